"""Actions on units: assign one to an incident, move it through its statuses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from siaga.accounts.models import User
from siaga.dispatching.actions import respond_to_dispatch
from siaga.dispatching.models import ALLOWED_TRANSITIONS as DISPATCH_MOVES
from siaga.dispatching.models import Dispatch, DispatchStatus
from siaga.events.log import append_event
from siaga.incidents.models import Incident
from siaga.lib.errors import Conflict, IllegalTransition, InvalidInput
from siaga.units.models import ALLOWED_TRANSITIONS, Unit, UnitPosition, UnitStatus

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
        status=U.ASSIGNED, incident=incident, status_since=now
    )
    if not won:
        raise Conflict(f"{unit.call_sign} is not available (assigned already?)")
    unit.refresh_from_db()
    append_event(
        actor=actor,
        action="unit.assigned",
        target=unit,
        after={"status": U.ASSIGNED, "incident": incident.number},
        incident=incident,
    )
    return unit


@transaction.atomic
def change_unit_status(unit: Unit, *, status: str, actor: User | None) -> Unit:
    """Move a unit along ALLOWED_TRANSITIONS. En route and on scene carry its agency's
    dispatch along, so the first unit on scene moves the incident on scene; back to
    available ends its part in the incident."""
    if status not in U.values:
        raise InvalidInput(f"unknown unit status {status!r}", field="status")
    if status == U.ASSIGNED:
        raise IllegalTransition("assign a unit to an incident with assign_unit")
    current = Unit.objects.select_for_update().get(pk=unit.pk)
    if status not in ALLOWED_TRANSITIONS[current.status]:
        raise IllegalTransition(
            f"{current.call_sign} cannot go from {current.status} to {status}"
        )
    incident = current.incident
    released = status in {U.AVAILABLE, U.OUT_OF_SERVICE}
    Unit.objects.filter(pk=unit.pk).update(
        status=status,
        status_since=timezone.now(),
        incident=None if released else incident,
    )
    current.refresh_from_db()
    append_event(
        actor=actor,
        action=f"unit.{status}",
        target=current,
        before={"status": unit.status},
        after={"status": status},
        incident=incident,
    )
    if incident is not None and status in DISPATCH_STATUS_OF:
        _carry_dispatch(current, incident, DISPATCH_STATUS_OF[status], actor)
    return current


def _carry_dispatch(
    unit: Unit, incident: Incident, status: str, actor: User | None
) -> None:
    dispatch = _dispatch(unit, incident)
    if dispatch.status == DispatchStatus.ACKNOWLEDGED:  # a unit moving means accepted
        dispatch = respond_to_dispatch(
            dispatch, status=DispatchStatus.ACCEPTED, actor=actor
        )
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
        UnitPosition(unit=unit, source=source[:16], **asdict(fix)) for fix in fixes
    )
    newest = max(fixes, key=lambda fix: fix.at, default=None)
    if newest is not None:
        later = Q(position_at__isnull=True) | Q(position_at__lt=newest.at)
        Unit.objects.filter(later, pk=unit.pk).update(
            lat=newest.lat, lon=newest.lon, position_at=newest.at
        )
    return len(fixes)


def prune_unit_positions() -> int:
    """Drop fixes older than the retention (the worker's housekeeping)."""
    cutoff = timezone.now() - timedelta(days=settings.SIAGA_AVL_RETENTION_DAYS)
    deleted, _ = UnitPosition.objects.filter(at__lt=cutoff).delete()
    return deleted
