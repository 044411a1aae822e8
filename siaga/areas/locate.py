"""Point → kelurahan, kecamatan and jurisdiction, through an STR-tree of prepared
boundaries.

The index is built once per process and rebuilt when any area changes (a cheap aggregate
query tells), so an import of official boundaries takes effect without a restart.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max

from siaga.areas.models import Area, AreaKind
from siaga.lib.geo import IndexedShape, PointIndex, from_geojson


@dataclass(frozen=True)
class Located:
    kelurahan: Area | None = None
    kecamatan: Area | None = None
    jurisdiction: Area | None = None

    @property
    def is_outside_home(self) -> bool:
        return self.jurisdiction is not None and not self.jurisdiction.is_home


@dataclass(frozen=True)
class _Index:
    version: tuple[Any, ...]
    points: PointIndex
    areas: dict[int, Area]


_lock = threading.Lock()
_current: _Index | None = None


def locate(lat: float, lon: float) -> Located:
    """The areas containing a point; each field is None where no boundary covers it."""
    index = _index()
    found: dict[str, Area] = {}
    for key in index.points.containing(lat, lon):
        area = index.areas[key]
        found.setdefault(area.kind, area)
    kelurahan = found.get(AreaKind.KELURAHAN)
    kecamatan = found.get(AreaKind.KECAMATAN)
    if kelurahan is not None and kelurahan.parent_id in index.areas:
        kecamatan = index.areas[kelurahan.parent_id]
    jurisdiction = found.get(AreaKind.HOME) or found.get(AreaKind.NEIGHBOUR)
    return Located(kelurahan=kelurahan, kecamatan=kecamatan, jurisdiction=jurisdiction)


def _index() -> _Index:
    global _current
    stats = Area.objects.aggregate(changed=Max("updated_at"), count=Count("id"))
    version = (stats["changed"], stats["count"])
    current = _current
    if current is not None and current.version == version:
        return current
    with _lock:
        areas = {area.pk: area for area in Area.objects.all()}
        shapes = [
            IndexedShape(key=area.pk, geometry=from_geojson(area.geometry))
            for area in areas.values()
            if area.geometry
        ]
        _current = _Index(version=version, points=PointIndex(shapes), areas=areas)
        return _current
