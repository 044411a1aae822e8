"""Which units to send: the available units of the agencies an incident was dispatched
to, of the kinds its category's run card asks for, ranked by estimated arrival.

Arrival = straight-line distance × road factor ÷ the unit kind's urban speed. Busy,
out-of-service and inactive units never appear; a unit with no fix yet counts from its
post. Pure arithmetic over rows already in memory: no routing service to wait on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from siaga.dispatching.models import Dispatch
from siaga.incidents.models import Incident
from siaga.lib.geo import distance_m
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
    """Units with a position, nearest by arrival first."""
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


def candidates_for(incident: Incident, agency_id: int | None = None) -> list[Unit]:
    """Available units of the dispatched agencies (or one of them), of the run card's
    kinds when the category has one."""
    agencies = Dispatch.objects.live().filter(incident=incident).values("agency")
    units = Unit.objects.available().filter(agency__in=agencies)
    if agency_id is not None:
        units = units.filter(agency_id=agency_id)
    card = RunCard.objects.filter(category_id=incident.category_id).first()
    if card is not None and card.kinds():
        units = units.filter(kind__in=card.kinds())
    return list(units.select_related("agency", "station"))


def recommend(incident: Incident, agency_id: int | None = None) -> list[Recommendation]:
    if incident.lat is None or incident.lon is None:
        return []
    return rank(candidates_for(incident, agency_id), incident.lat, incident.lon)
