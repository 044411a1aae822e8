"""The units API: positions from trackers and crews' phones, and the units list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from siaga.accounts.access import api_user
from siaga.accounts.models import User
from siaga.accounts.roles import Can, Role
from siaga.incidents.models import Incident
from siaga.lib.fields import Body, Code, Latitude, Longitude, Metres, Moment, errors
from siaga.units.actions import Fix, assign_unit, record_positions
from siaga.units.models import Unit
from siaga.units.recommend import recommend

router = Router(tags=["units"])


class PositionIn(Body):
    lat: Latitude
    lon: Longitude
    at: Moment | None = Field(None, description="when the fix was taken (default: now)")
    accuracy_m: Metres | None = None
    speed_kmh: float | None = Field(None, ge=0, le=400, allow_inf_nan=False)
    heading: int | None = Field(None, ge=0, le=359)


class PositionsIn(Body):
    positions: list[PositionIn] = Field(min_length=1, max_length=500)


class PositionsOut(Schema):
    accepted: int


class UnitOut(Schema):
    call_sign: str
    agency: str
    kind: str
    status: str
    status_since: datetime
    incident: str | None
    lat: float | None
    lon: float | None
    position_at: datetime | None
    is_position_stale: bool


def units_for(user: User) -> Any:
    """The units a user may see and move: a crew its own, an agency its own."""
    units = Unit.objects.filter(is_active=True).select_related("agency", "incident")
    if user.role == Role.RESPONDER:
        return units.filter(pk=user.unit_id) if user.unit_id else units.none()
    if user.is_agency_operator:
        return units.filter(agency=user.agency)
    return units


def unit_out(unit: Unit) -> dict[str, Any]:
    return {
        "call_sign": unit.call_sign,
        "agency": unit.agency.code,
        "kind": unit.kind,
        "status": unit.status,
        "status_since": unit.status_since,
        "incident": unit.incident.number if unit.incident else None,
        "lat": unit.lat,
        "lon": unit.lon,
        "position_at": unit.position_at,
        "is_position_stale": unit.is_position_stale(),
    }


@router.get(
    "/units",
    response={200: list[UnitOut], **errors(403)},
    summary="Units with their status and last position (an agency: its own)",
)
def list_units(request: HttpRequest) -> list[dict[str, Any]]:
    user = api_user(request, Can.VIEW_INCIDENTS)
    return [unit_out(unit) for unit in units_for(user)]


@router.post(
    "/units/{call_sign}/positions",
    response={202: PositionsOut, **errors(403, 404, 413, 422)},
    summary="Position fixes of a unit (a batch of up to 500); a crew: its own unit",
)
def post_positions(
    request: HttpRequest, call_sign: str, payload: PositionsIn
) -> Status[dict[str, int]]:
    user = api_user(request, Can.REPORT_POSITIONS)
    # A tracker's integration account may move any unit; people only their own.
    unit = get_object_or_404(
        units_for(user) if user.agency_id else Unit.objects, call_sign=call_sign
    )
    now = timezone.now()
    fixes = [
        Fix(
            lat=p.lat,
            lon=p.lon,
            at=p.at or now,
            accuracy_m=p.accuracy_m,
            speed_kmh=p.speed_kmh,
            heading=p.heading,
        )
        for p in payload.positions
    ]
    accepted = record_positions(unit, fixes, source="http")
    return Status(202, {"accepted": accepted})


class RecommendationOut(Schema):
    call_sign: str
    agency: str
    kind: str
    distance_m: int
    eta_seconds: int


class AssignIn(Body):
    incident: Code = Field(description="the incident number")


@router.get(
    "/incidents/{number}/recommendations",
    response={200: list[RecommendationOut], **errors(403, 404)},
    summary="Available units of the dispatched agencies, nearest by arrival first",
)
def recommendations(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    user = api_user(request, Can.VIEW_INCIDENTS)
    incident = get_object_or_404(Incident.objects.visible_to(user), number=number)
    if not (user.can(Can.DISPATCH) or user.can(Can.RESPOND_TO_DISPATCH)):
        raise PermissionDenied("your role may not send units")
    own = user.agency_id if user.is_agency_operator else None
    return [
        {
            "call_sign": r.unit.call_sign,
            "agency": r.unit.agency.code,
            "kind": r.unit.kind,
            "distance_m": r.distance_m,
            "eta_seconds": r.eta_seconds,
        }
        for r in recommend(incident, own)
    ]


@router.post(
    "/units/{call_sign}/assign",
    response={200: UnitOut, **errors(403, 404, 409, 422)},
    summary="Send a unit to an incident its agency was dispatched to (one wins)",
)
def assign(request: HttpRequest, call_sign: str, payload: AssignIn) -> dict[str, Any]:
    user = api_user(request, Can.RESPOND_TO_DISPATCH)
    unit = get_object_or_404(units_for(user), call_sign=call_sign)
    incident = get_object_or_404(
        Incident.objects.visible_to(user), number=payload.incident
    )
    return unit_out(assign_unit(unit, incident=incident, actor=user))
