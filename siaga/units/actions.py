"""Actions on units: assign one to an incident, move it through its statuses, crew it,
keep its positions, and track a free-ambulance trip."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from siaga.accounts.models import User
from siaga.dispatching.actions import respond_to_dispatch
from siaga.dispatching.models import ALLOWED_TRANSITIONS as DISPATCH_MOVES
from siaga.dispatching.models import Dispatch, DispatchStatus
from siaga.events.log import append_event, changes, snapshot
from siaga.incidents.models import Incident
from siaga.lib.errors import Conflict, IllegalTransition, InvalidInput
from siaga.units.models import (
    ALLOWED_TRANSITIONS,
    COMMITTED,
    TRIP_FIELDS,
    AmbulanceTrip,
    Unit,
    UnitKind,
    UnitPosition,
    UnitStatus,
)

U = UnitStatus
# A unit's status carries its agency's dispatch along (and so the incident).
DISPATCH_STATUS_OF: dict[str, str] = {
    U.EN_ROUTE: DispatchStatus.EN_ROUTE,
    U.ON_SCENE: DispatchStatus.ON_SCENE,
}


def _dispatch(unit: Unit, incident: Incident) -> Dispatch:
    found = Dispatch.objects.live().filter(incident=incident, agency=unit.agency_id)
    dispatch = found.first()
    if dispatch is None:
        raise IllegalTransition(
            f"{incident.number} is not dispatched to {unit.agency}; dispatch it first"
        )
    return dispatch


@transaction.atomic
def assign_unit(unit: Unit, *, incident: Incident, actor: User | None) -> Unit:
    """Send an available unit to an incident its agency was dispatched to.

    The claim is one conditional update on the unit's status: of two operators who
    click at once, exactly one wins and the other gets a 409.
    """
    _dispatch(unit, incident)
    now = timezone.now()
    won = Unit.objects.filter(pk=unit.pk, status=U.AVAILABLE, is_active=True).update(
        status=U.ASSIGNED, incident=incident, status_since=now, changed_at=now
    )
    if not won:
        raise Conflict(f"{unit.call_sign} is not available (assigned already?)")
    unit.refresh_from_db()
    if unit.kind == UnitKind.AMBULANCE:  # a free-ambulance trip written down before
        AmbulanceTrip.objects.filter(incident=incident, unit=None).update(unit=unit)
    append_event(
        actor=actor,
        action="unit.assigned",
        target=unit,
        after={"status": U.ASSIGNED, "incident": incident.number},
        incident=incident,
    )
    return unit


@transaction.atomic
def change_unit_status(
    unit: Unit, *, status: str, actor: User | None, expected: str | None = None
) -> Unit:
    """Move a unit along ALLOWED_TRANSITIONS. En route and on scene carry its agency's
    dispatch along, so the first unit on scene moves the incident on scene; back to
    available ends its part in the incident.

    `expected` is the status the person saw when they tapped: a button on a page that
    is out of date (the unit was assigned meanwhile) is refused, not obeyed."""
    if status not in U.values:
        raise InvalidInput(f"unknown unit status {status!r}", field="status")
    if status == U.ASSIGNED:
        raise IllegalTransition("assign a unit to an incident with assign_unit")
    current = Unit.objects.select_for_update().get(pk=unit.pk)
    if expected is not None and expected != current.status:
        raise Conflict(
            f"{current.call_sign} is {current.status} now, not {expected}; look again"
        )
    if status not in ALLOWED_TRANSITIONS[current.status]:
        raise IllegalTransition(
            f"{current.call_sign} cannot go from {current.status} to {status}"
        )
    incident, previous = current.incident, current.status
    released = status in {U.AVAILABLE, U.OUT_OF_SERVICE}
    now = timezone.now()
    Unit.objects.filter(pk=unit.pk).update(
        status=status,
        status_since=now,
        changed_at=now,
        incident=None if released else incident,
    )
    current.refresh_from_db()
    append_event(
        actor=actor,
        action=f"unit.{status}",
        target=current,
        before={"status": previous},
        after={"status": status},
        incident=incident,
    )
    if incident is not None and status in DISPATCH_STATUS_OF:
        _carry_dispatch(current, incident, DISPATCH_STATUS_OF[status], actor)
    if incident is not None:
        _advance_trip(current, incident, status, now)
    return current


# The trip's times follow the unit's statuses; each is set once, by the first move.
TRIP_TIME_OF: dict[str, str] = {
    U.TRANSPORTING: "picked_up_at",
    U.AT_HOSPITAL: "arrived_at",
    U.AVAILABLE: "returned_at",
}


def _advance_trip(unit: Unit, incident: Incident, status: str, now: datetime) -> None:
    """The unit's status event is the record; the trip keeps the times for reports."""
    field = TRIP_TIME_OF.get(status)
    if field is None:
        return
    trips = AmbulanceTrip.objects.filter(incident=incident, unit=unit)
    trips.filter(**{f"{field}__isnull": True}).update(**{field: now})


def _carry_dispatch(
    unit: Unit, incident: Incident, status: str, actor: User | None
) -> None:
    dispatch = _dispatch(unit, incident)
    # A unit moving means the agency saw the dispatch and took it on.
    for implied in (DispatchStatus.ACKNOWLEDGED, DispatchStatus.ACCEPTED):
        if implied in DISPATCH_MOVES[dispatch.status]:
            dispatch = respond_to_dispatch(dispatch, status=implied, actor=actor)
    if status in DISPATCH_MOVES[dispatch.status]:
        respond_to_dispatch(dispatch, status=status, actor=actor)


@dataclass(frozen=True)
class Fix:
    """One position report from a tracker or a crew's phone."""

    lat: float
    lon: float
    at: datetime
    accuracy_m: int | None = None
    speed_kmh: float | None = None
    heading: int | None = None


FUTURE_SLACK = timedelta(minutes=2)  # trackers' clocks drift a little


@transaction.atomic
def record_positions(unit: Unit, fixes: Sequence[Fix], *, source: str) -> int:
    """Keep a batch of fixes and move the unit to the newest one.

    Telemetry, not a change anyone decided: the fixes go to their own compact table
    and no event is logged per fix. A fix from the future (beyond a small clock drift)
    or older than the retention refuses the whole batch, so a tracker learns at once.
    """
    now = timezone.now()
    oldest = now - timedelta(days=settings.SIAGA_AVL_RETENTION_DAYS)
    for number, fix in enumerate(fixes):
        if fix.at > now + FUTURE_SLACK:
            raise InvalidInput(f"positions.{number}.at is in the future", field="at")
        if fix.at < oldest:
            raise InvalidInput(f"positions.{number}.at is too old to keep", field="at")
    UnitPosition.objects.bulk_create(
        UnitPosition(
            unit=unit,
            source=source[:16],
            at=fix.at,
            lat=fix.lat,
            lon=fix.lon,
            accuracy_m=fix.accuracy_m,
            speed_kmh=fix.speed_kmh,
            heading=fix.heading,
        )
        for fix in fixes
    )
    newest = max(fixes, key=lambda fix: fix.at, default=None)
    if newest is not None:
        later = Q(position_at__isnull=True) | Q(position_at__lt=newest.at)
        Unit.objects.filter(later, pk=unit.pk).update(
            lat=newest.lat, lon=newest.lon, position_at=newest.at, changed_at=now
        )
    return len(fixes)


def prune_unit_positions() -> int:
    """Drop fixes older than the retention (the worker's housekeeping)."""
    cutoff = timezone.now() - timedelta(days=settings.SIAGA_AVL_RETENTION_DAYS)
    deleted, _ = UnitPosition.objects.filter(at__lt=cutoff).delete()
    return deleted


@transaction.atomic
def plan_trip(
    incident: Incident, *, actor: User | None, **details: object
) -> AmbulanceTrip:
    """Write down (or correct) a free-ambulance trip: patient, pickup, destination
    hospital, eligibility. The unit is the one assigned to the incident, if any."""
    if not incident.category.patient_transport:
        raise IllegalTransition(f"{incident.category} is not a patient transport")
    unknown = set(details) - set(TRIP_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown trip fields {sorted(unknown)}")
    Incident.objects.select_for_update().filter(
        pk=incident.pk
    ).exists()  # one at a time
    trip = AmbulanceTrip.objects.filter(incident=incident).first()
    created = trip is None
    trip = trip or AmbulanceTrip(incident=incident, pickup=incident.address[:300])
    before = {} if created else snapshot(trip, [*TRIP_FIELDS, "unit"])
    for name, value in details.items():
        setattr(trip, name, value)
    if trip.unit_id is None:
        trip.unit = incident.units.filter(kind=UnitKind.AMBULANCE).first()
    trip.save()
    old, new = changes(before, snapshot(trip, [*TRIP_FIELDS, "unit"]))
    action = "trip.planned" if created else "trip.updated"
    append_event(
        actor=actor,
        action=action,
        target=trip,
        before=old,
        after=new,
        incident=incident,
    )
    return trip


@transaction.atomic
def record_handover(
    trip: AmbulanceTrip, *, received_by: str, actor: User | None
) -> AmbulanceTrip:
    """The patient is handed to the hospital: who took them, and when."""
    current = AmbulanceTrip.objects.select_for_update().get(pk=trip.pk)
    if current.arrived_at is None:
        raise IllegalTransition("the unit has not arrived at the destination yet")
    if current.handed_over_at is not None:
        raise Conflict("the handover is recorded already")
    if not received_by.strip():
        raise InvalidInput("who received the patient?", field="received_by")
    current.handed_over_at = timezone.now()
    current.handed_over_to = received_by.strip()[:120]
    current.save(update_fields=["handed_over_at", "handed_over_to"])
    append_event(
        actor=actor,
        action="trip.handed_over",
        target=current,
        after={"handed_over_to": current.handed_over_to},
        incident=current.incident,
    )
    return current


@transaction.atomic
def crew_unit(user: User, unit: Unit | None, *, actor: User | None) -> User:
    """A responder signs on to one of its agency's units (or off, with None)."""
    if unit is not None and (unit.agency_id != user.agency_id or not unit.is_active):
        raise IllegalTransition(f"{unit.call_sign} is not a unit of your agency")
    if unit is not None and unit.status in COMMITTED and user.unit_id != unit.pk:
        # Crews sign on at the start of a shift, not onto a unit in the middle of a job.
        raise Conflict(f"{unit.call_sign} is on a job; sign on when it is free")
    previous = user.unit
    User.objects.filter(pk=user.pk).update(unit=unit)
    user.unit = unit
    target = unit or previous
    if target is not None:
        append_event(
            actor=actor,
            action="unit.crewed" if unit is not None else "unit.uncrewed",
            target=target,
            after={"crew": user.get_username()},
        )
    return user
