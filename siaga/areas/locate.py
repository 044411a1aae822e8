"""Point → kelurahan, kecamatan and jurisdiction, through an index of prepared
boundaries.

The index is built once per process and rebuilt when any area changes (a cheap aggregate
query tells), so an import of official boundaries takes effect without a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max

from siaga.areas.models import Area, AreaKind
from siaga.lib.geo import IndexedShape, PointIndex, circle, from_geojson


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
    return _located(_index(), lat, lon)


def locate_many(
    points: Iterable[tuple[float, float]],
) -> dict[tuple[float, float], Located]:
    """`locate` for many points at once (a report's), asking once whether the areas
    changed instead of once per point; each distinct point is located once."""
    index = _index()
    return {point: _located(index, *point) for point in set(points)}


NO_PLACE = "(tanpa lokasi)"


def place_name(found: Located | None) -> str:
    """The kelurahan a point lies in, else its kecamatan (kelurahan have boundaries only
    after an import), else its jurisdiction; NO_PLACE without a point."""
    area = found and (found.kelurahan or found.kecamatan or found.jurisdiction)
    return area.name if area else NO_PLACE


def _located(index: _Index, lat: float, lon: float) -> Located:
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


@dataclass(frozen=True)
class Candidates:
    """Where an uncertain point may be: every area its circle touches. Near a border
    more than one jurisdiction is possible, and the consoles say so."""

    located: Located
    jurisdictions: tuple[Area, ...]
    kecamatan: tuple[Area, ...]
    kelurahan: tuple[Area, ...]
    radius_m: int

    @property
    def is_near_border(self) -> bool:
        return len(self.jurisdictions) > 1

    @property
    def outside_home(self) -> tuple[Area, ...]:
        return tuple(area for area in self.jurisdictions if not area.is_home)


def candidates(lat: float, lon: float, radius_m: float | None = None) -> Candidates:
    """The areas a point with this uncertainty may lie in; the point's own areas
    first. Below `SIAGA_BORDER_MARGIN_M` the margin is used, so a precise point a few
    metres from a border is still flagged."""
    from django.conf import settings

    radius = max(radius_m or 0, settings.SIAGA_BORDER_MARGIN_M)
    index = _index()
    located = locate(lat, lon)
    hits = [
        index.areas[key] for key in index.points.intersecting(circle(lat, lon, radius))
    ]

    def of(kinds: set[str], first: Area | None) -> tuple[Area, ...]:
        found = sorted((a for a in hits if a.kind in kinds), key=lambda a: a.name)
        ordered = [first] if first is not None else []
        return tuple(ordered + [a for a in found if a != first])

    return Candidates(
        located=located,
        jurisdictions=of({AreaKind.HOME, AreaKind.NEIGHBOUR}, located.jurisdiction),
        kecamatan=of({AreaKind.KECAMATAN}, located.kecamatan),
        kelurahan=of({AreaKind.KELURAHAN}, located.kelurahan),
        radius_m=round(radius),
    )


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
