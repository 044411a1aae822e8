"""Which units to send: the available units of the agencies an incident was dispatched
to, of the kinds its category's run card asks for, ranked by estimated arrival.

Arrival = straight-line distance × road factor ÷ the unit kind's urban speed. Busy,
out-of-service and inactive units never appear; a unit with no fix yet counts from its
post (the dataset loader puts it there). The ranking reads four columns of every
candidate and computes all distances at once with numpy; only the few units offered are
loaded as rows. No routing service to wait on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy
from django.conf import settings
from django.db.models import QuerySet

from siaga.dispatching.models import Dispatch
from siaga.incidents.models import Incident
from siaga.lib.geo import EARTH_RADIUS_M, distance_m
from siaga.units.models import RunCard, Unit, UnitKind

K = UnitKind
# Average urban speeds in Kota Tangerang traffic, km/h (a setting would be premature).
SPEED_KMH: dict[str, float] = {
    K.AMBULANCE: 40,
    K.PATROL: 40,
    K.FIRE_ENGINE: 35,
    K.WATER_TANKER: 30,
    K.RESCUE: 35,
    K.WATER_RESCUE: 30,
    K.TREE_CREW: 30,
    K.TOW_TRUCK: 30,
    K.ROAD_CREW: 30,
}


@dataclass(frozen=True)
class Recommendation:
    unit: Unit
    distance_m: int
    eta_seconds: int


def eta_seconds(metres: float, kind: str) -> int:
    road = metres * settings.SIAGA_ROAD_FACTOR
    return round(road / (SPEED_KMH.get(kind, 30) * 1000 / 3600))


def rank(
    units: Iterable[Unit], lat: float, lon: float, limit: int = 10
) -> list[Recommendation]:
    """Units with a position, nearest by arrival first: the plain loop over rows
    already in memory (the reference the vectorised ranking is tested against)."""
    found = []
    for unit in units:
        if unit.lat is None or unit.lon is None:
            continue
        metres = distance_m(lat, lon, unit.lat, unit.lon)
        found.append(
            Recommendation(unit, round(metres), eta_seconds(metres, unit.kind))
        )
    found.sort(key=lambda r: (r.eta_seconds, r.unit.call_sign))
    return found[:limit]


def distances_m(
    lat: float, lon: float, lats: numpy.ndarray, lons: numpy.ndarray
) -> numpy.ndarray:
    """Haversine distances from one point to many, in metres (as `distance_m`)."""
    p1, p2 = numpy.radians(lat), numpy.radians(lats)
    dlat, dlon = p2 - p1, numpy.radians(lons - lon)
    a = (
        numpy.sin(dlat / 2) ** 2
        + numpy.cos(p1) * numpy.cos(p2) * numpy.sin(dlon / 2) ** 2
    )
    result: numpy.ndarray = 2 * EARTH_RADIUS_M * numpy.arcsin(numpy.sqrt(a))
    return result


def rank_rows(
    rows: Sequence[tuple[int, str, str, float | None, float | None]],
    lat: float,
    lon: float,
    limit: int = 10,
) -> list[tuple[int, int, int]]:
    """(pk, metres, eta seconds) of the `limit` soonest arrivals among rows of
    (pk, call sign, kind, lat, lon), all with a position; ties by call sign, as
    `rank`."""
    if not rows or limit <= 0:
        return []
    pks, signs, kinds, lats, lons = zip(*rows, strict=True)
    metres = distances_m(lat, lon, numpy.array(lats), numpy.array(lons))
    speeds = numpy.array([SPEED_KMH.get(kind, 30) * 1000 / 3600 for kind in kinds])
    etas = numpy.rint(metres * settings.SIAGA_ROAD_FACTOR / speeds).astype(int)
    keep = min(limit, len(rows))
    # The soonest `keep` (plus any tied with the last), then ordered exactly.
    cut = numpy.partition(etas, keep - 1)[keep - 1]
    near = numpy.flatnonzero(etas <= cut)
    near = near[numpy.lexsort((numpy.array(signs)[near], etas[near]))][:keep]
    return [(pks[i], round(float(metres[i])), int(etas[i])) for i in near]


def candidates_for(incident: Incident, agency_id: int | None = None) -> QuerySet[Unit]:
    """Available units of the dispatched agencies (or one of them), of the run card's
    kinds when the category has one."""
    agencies = Dispatch.objects.live().filter(incident=incident).values("agency")
    units = Unit.objects.available().filter(agency__in=agencies)
    if agency_id is not None:
        units = units.filter(agency_id=agency_id)
    card = RunCard.objects.filter(category_id=incident.category_id).first()
    if card is not None and card.kinds():
        units = units.filter(kind__in=card.kinds())
    return units.filter(lat__isnull=False, lon__isnull=False)


def recommend(
    incident: Incident, agency_id: int | None = None, limit: int = 10
) -> list[Recommendation]:
    if incident.lat is None or incident.lon is None:
        return []
    rows = (
        candidates_for(incident, agency_id)
        .order_by()
        .values_list("pk", "call_sign", "kind", "lat", "lon")
    )
    ranked = rank_rows(list(rows), incident.lat, incident.lon, limit)
    units = Unit.objects.select_related("agency", "station").in_bulk(
        [pk for pk, _, _ in ranked]
    )
    return [Recommendation(units[pk], metres, eta) for pk, metres, eta in ranked]
