"""Actions on areas: importing official boundaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction

from siaga.areas.geojson import Boundary
from siaga.areas.models import Area, AreaKind
from siaga.events.actions import save_configuration
from siaga.lib.errors import InvalidInput
from siaga.lib.geo import centre, to_geojson

if TYPE_CHECKING:
    from siaga.accounts.models import User

PARENT_KIND = {
    AreaKind.KELURAHAN: AreaKind.KECAMATAN,
    AreaKind.KECAMATAN: AreaKind.HOME,
}


@dataclass
class ImportReport:
    updated: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    untouched: list[str] = field(default_factory=list)


@transaction.atomic
def import_boundaries(
    boundaries: list[Boundary], *, kind: str, match_by: str, actor: User | None
) -> ImportReport:
    """Replace the geometry of areas of one kind with official boundaries, all or
    nothing.

    1. Match each boundary to an existing area by code or by name (case-insensitive).
    2. Update its geometry and centre and clear the "approximate" flag, or create the
    area
       under the parent named by `parent_code` (or the home area for kecamatan).
    3. Report areas of that kind that the file did not mention: they keep what they had.
    Any failure raises and the transaction rolls everything back.
    """
    report = ImportReport()
    seen: set[int] = set()
    for boundary in boundaries:
        area = _match(boundary, kind=kind, match_by=match_by)
        (report.updated if area.pk else report.created).append(boundary.name)
        area.geometry = to_geojson(boundary.geometry)
        area.is_approximate = False
        area.centre_lat, area.centre_lon = centre(boundary.geometry)
        save_configuration(area, actor=actor)
        seen.add(area.pk)
    others = Area.objects.of_kind(kind).exclude(pk__in=seen).order_by("name")
    report.untouched = [area.name for area in others]
    return report


def _match(boundary: Boundary, *, kind: str, match_by: str) -> Area:
    areas = Area.objects.of_kind(kind)
    if match_by == "code":
        found = areas.filter(code=boundary.code).first()
    else:
        found = areas.filter(name__iexact=boundary.name).first()
    if found is not None:
        if match_by == "name" and boundary.code and boundary.code != found.code:
            found.code = boundary.code
        return found
    if not boundary.code:
        raise InvalidInput(
            f"feature {boundary.index} ({boundary.name}): no area of that name; "
            "a new area needs a code (--code-property)"
        )
    return Area(
        kind=kind,
        code=boundary.code,
        name=boundary.name,
        parent=_parent(boundary, kind),
    )


def _parent(boundary: Boundary, kind: str) -> Area | None:
    parent_kind = PARENT_KIND.get(AreaKind(kind))
    if parent_kind is None:
        return None
    parents = Area.objects.of_kind(parent_kind)
    if boundary.parent_code:
        parent = parents.filter(code=boundary.parent_code).first()
    else:
        parent = parents.first() if parent_kind == AreaKind.HOME else None
    if parent is None:
        raise InvalidInput(
            f"feature {boundary.index} ({boundary.name}): parent "
            f"{boundary.parent_code or '(none given)'} not found; use --parent-property"
        )
    return parent
