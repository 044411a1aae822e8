"""Load a city data set (JSON) through the configuration actions.

Re-running keeps what exists: rows are matched by code (landmarks by name) and only
missing ones are created, so later edits and imported official boundaries survive.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely
from django.db import models, transaction
from shapely.geometry.base import BaseGeometry

from siaga.agencies.models import Agency
from siaga.areas.models import Area, AreaKind, Landmark
from siaga.events.actions import save_configuration
from siaga.incidents.models import Category
from siaga.lib.geo import centre, polygon, to_geojson

if TYPE_CHECKING:
    from siaga.accounts.models import User

DATASETS = Path(__file__).resolve().parent


def dataset_path(name_or_path: str) -> Path:
    """A bundled data set by name (`tangerang`) or a JSON file by path."""
    bundled = DATASETS / f"{name_or_path}.json"
    return bundled if bundled.exists() else Path(name_or_path)


def read_dataset(name_or_path: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        dataset_path(name_or_path).read_text(encoding="utf-8")
    )
    return data


@transaction.atomic
def load_dataset(data: dict[str, Any], *, actor: User | None) -> Counter[str]:
    """Create whatever the data set has and the
    database lacks; count what was created."""
    created: Counter[str] = Counter()
    home_shape = polygon(data["home"]["outline"])
    home = _area(created, AreaKind.HOME, data["home"], None, home_shape)
    _kecamatan(created, data["kecamatan"], home, home_shape)
    _kelurahan(created, data["kelurahan"])
    _neighbours(created, data["neighbours"], home_shape)
    _landmarks(created, data["landmarks"])
    agencies = _agencies(created, data["agencies"])
    _categories(created, data["categories"], agencies)
    _stations(created, data.get("stations", []), agencies)
    _run_cards(created, data.get("run_cards", {}))
    _shift_patterns(created, data.get("shift_patterns", []))
    return created


def _create(created: Counter[str], instance: models.Model, **m2m: list[Any]) -> None:
    def save_links() -> None:
        for name, values in m2m.items():
            getattr(instance, name).set(values)

    save_configuration(instance, actor=None, save_related=save_links if m2m else None)
    created[instance._meta.model_name or ""] += 1


def _area(
    created: Counter[str],
    kind: str,
    item: dict[str, Any],
    parent: Area | None,
    shape: BaseGeometry | None,
) -> Area:
    existing = Area.objects.filter(code=item["code"]).first()
    if existing is not None:
        return existing
    area = Area(kind=kind, code=item["code"], name=item["name"], parent=parent)
    area.referral_centre = item.get("referral_centre", "")
    area.referral_phone = item.get("referral_phone", "")
    if shape is not None and not shape.is_empty:
        area.geometry = to_geojson(shape)
        area.centre_lat, area.centre_lon = centre(shape)
    _create(created, area)
    return area


def _kecamatan(
    created: Counter[str],
    items: list[dict[str, Any]],
    home: Area,
    home_shape: BaseGeometry,
) -> None:
    """Approximate kecamatan boundaries: the Voronoi
    cells of their centres, cut to the city."""
    points = shapely.MultiPoint(
        [(lon, lat) for lat, lon in (i["centre"] for i in items)]
    )
    cells = shapely.voronoi_polygons(points, extend_to=home_shape.envelope.buffer(0.1))
    for item in items:
        lat, lon = item["centre"]
        cell = next(c for c in cells.geoms if c.contains(shapely.Point(lon, lat)))
        _area(created, AreaKind.KECAMATAN, item, home, cell.intersection(home_shape))


def _kelurahan(created: Counter[str], items: list[dict[str, Any]]) -> None:
    """Kelurahan get names and codes only: no boundary is known until an import."""
    kecamatan = {a.code: a for a in Area.objects.of_kind(AreaKind.KECAMATAN)}
    for item in items:
        parent = kecamatan[item["code"].rsplit(".", 1)[0]]
        _area(created, AreaKind.KELURAHAN, item, parent, None)


def _neighbours(
    created: Counter[str], items: list[dict[str, Any]], home_shape: BaseGeometry
) -> None:
    """Each neighbour's rough box, less the city and the neighbours listed before it."""
    taken = home_shape
    for item in items:
        shape = polygon(item["outline"]).difference(taken)
        _area(created, AreaKind.NEIGHBOUR, item, None, shape)
        taken = taken.union(shape)


def _landmarks(created: Counter[str], items: list[dict[str, Any]]) -> None:
    from siaga.areas.locate import locate

    for item in items:
        if Landmark.objects.filter(name=item["name"]).exists():
            continue
        landmark = Landmark(
            **item, kecamatan=locate(item["lat"], item["lon"]).kecamatan
        )
        _create(created, landmark)


def _agencies(created: Counter[str], items: list[dict[str, Any]]) -> dict[str, Agency]:
    for item in items:
        if not Agency.objects.filter(code=item["code"]).exists():
            _create(created, Agency(**item))
    return {agency.code: agency for agency in Agency.objects.all()}


def _categories(
    created: Counter[str], items: list[dict[str, Any]], agencies: dict[str, Agency]
) -> None:
    for order, item in enumerate(items, start=1):
        if Category.objects.filter(code=item["code"]).exists():
            continue
        category = Category(
            code=item["code"],
            name=item["name"],
            name_en=item.get("name_en", ""),
            default_priority=item["priority"],
            eido_code=item.get("eido_code", ""),
            shares_caller_number=item.get("shares_caller_number", False),
            patient_transport=item.get("patient_transport", False),
            sort_order=order * 10,
        )
        _create(
            created, category, default_agencies=[agencies[c] for c in item["agencies"]]
        )


def _stations(
    created: Counter[str], items: list[dict[str, Any]], agencies: dict[str, Agency]
) -> None:
    """Posts and their units; a unit is matched by call sign, a post by agency and
    name. Positions are approximate, like the rest of the data set."""
    from siaga.units.models import Station, Unit

    for item in items:
        agency = agencies[item["agency"]]
        station = Station.objects.filter(agency=agency, name=item["name"]).first()
        if station is None:
            station = Station(
                agency=agency, name=item["name"], lat=item["lat"], lon=item["lon"]
            )
            _create(created, station)
        for unit in item["units"]:
            if Unit.objects.filter(call_sign=unit["call_sign"]).exists():
                continue
            _create(
                created,
                Unit(
                    agency=agency,
                    station=station,
                    lat=station.lat,
                    lon=station.lon,
                    **unit,
                ),
            )


def _shift_patterns(created: Counter[str], items: list[dict[str, str]]) -> None:
    """How each role's 24 hours are cut into shifts (a supervisor may change them)."""
    from siaga.shifts.models import ShiftPattern

    for item in items:
        if not ShiftPattern.objects.filter(role=item["role"]).exists():
            _create(created, ShiftPattern(**item))


def _run_cards(created: Counter[str], cards: dict[str, str]) -> None:
    """The unit kinds each category needs, by category code."""
    from siaga.units.models import RunCard

    for code, kinds in cards.items():
        category = Category.objects.filter(code=code).first()
        if (
            category is not None
            and not RunCard.objects.filter(category=category).exists()
        ):
            _create(created, RunCard(category=category, unit_kinds=kinds))
