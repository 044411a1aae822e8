"""Actions on dispatches: hand an incident to
an agency, acknowledge, escalate when late."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from siaga.dispatching.models import ENDED_STATUSES, Dispatch, DispatchStatus
from siaga.events.log import append_event, snapshot
from siaga.incidents.actions import move_incident
from siaga.incidents.models import Incident, IncidentStatus
from siaga.lib.errors import Conflict, IllegalTransition, InvalidInput

if TYPE_CHECKING:
    from siaga.accounts.models import User
    from siaga.agencies.models import Agency

# Incident statuses from which a new dispatch moves the incident to "dispatched".
DISPATCH_MOVES_INCIDENT = frozenset({IncidentStatus.NEW, IncidentStatus.RESOLVED})
DISPATCHABLE = DISPATCH_MOVES_INCIDENT | {
    IncidentStatus.DISPATCHED,
    IncidentStatus.ACKNOWLEDGED,
    IncidentStatus.EN_ROUTE,
    IncidentStatus.ON_SCENE,
}


@transaction.atomic
def dispatch_incident(
    incident: Incident, *, agency: Agency, actor: User | None
) -> Dispatch:
    """Send an incident to an agency, with a deadline for its acknowledgement."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.status not in DISPATCHABLE:
        raise IllegalTransition(f"incident {incident.number} is {incident.status}")
    if not agency.is_active:
        raise InvalidInput(f"agency {agency.code} is not active", field="agency")
    if (
        incident.dispatches.exclude(
            status__in=[DispatchStatus.DECLINED, DispatchStatus.CANCELLED]
        )
        .filter(agency=agency)
        .exists()
    ):
        raise Conflict(f"{agency} already has incident {incident.number}")
    now = timezone.now()
    dispatch = Dispatch.objects.create(
        incident=incident,
        agency=agency,
        sent_at=now,
        ack_deadline_at=now + agency.ack_deadline_duration(incident.priority),
    )
    append_event(
        actor=actor,
        action="dispatch.sent",
        target=dispatch,
        after=snapshot(dispatch, ["agency", "status", "ack_deadline_at"]),
        incident=incident,
    )
    if incident.status in DISPATCH_MOVES_INCIDENT:
        move_incident(incident, status=IncidentStatus.DISPATCHED, actor=actor)
    return dispatch


@transaction.atomic
def acknowledge_dispatch(dispatch: Dispatch, *, actor: User | None) -> Dispatch:
    """The agency says it has seen the dispatch;
    the first acknowledgement moves the incident."""
    now = timezone.now()
    moved = Dispatch.objects.filter(pk=dispatch.pk, status=DispatchStatus.SENT).update(
        status=DispatchStatus.ACKNOWLEDGED, acknowledged_at=now
    )
    if not moved:
        current = Dispatch.objects.get(pk=dispatch.pk).status
        raise IllegalTransition(f"this dispatch is already {current}")
    dispatch.status, dispatch.acknowledged_at = DispatchStatus.ACKNOWLEDGED, now
    incident = Incident.objects.select_for_update().get(pk=dispatch.incident_id)
    append_event(
        actor=actor,
        action="dispatch.acknowledged",
        target=dispatch,
        before={"status": DispatchStatus.SENT},
        after={
            "status": DispatchStatus.ACKNOWLEDGED,
            "late": now > dispatch.ack_deadline_at,
        },
        incident=incident,
    )
    if incident.status == IncidentStatus.DISPATCHED:
        move_incident(incident, status=IncidentStatus.ACKNOWLEDGED, actor=actor)
    return dispatch


@transaction.atomic
def escalate_dispatch(dispatch: Dispatch, *, actor: User | None) -> bool:
    """Flag a dispatch whose acknowledgement deadline passed. Claimed with a conditional
    update, so two workers never escalate the same dispatch twice."""
    claimed = (
        Dispatch.objects.overdue()
        .filter(pk=dispatch.pk)
        .update(escalated_at=timezone.now())
    )
    if not claimed:
        return False
    append_event(
        actor=actor,
        action="dispatch.escalated",
        target=dispatch,
        after={"reason": "acknowledgement deadline passed"},
        incident=dispatch.incident,
    )
    return True


# How an agency's progress on its dispatch moves the incident forward (never back).
INCIDENT_FOLLOWS = {
    DispatchStatus.EN_ROUTE: IncidentStatus.EN_ROUTE,
    DispatchStatus.ON_SCENE: IncidentStatus.ON_SCENE,
}


@transaction.atomic
def respond_to_dispatch(
    dispatch: Dispatch, *, status: str, note: str = "", actor: User | None
) -> Dispatch:
    """The agency answers for its dispatch: accept, decline (with a reason), en route,
    on scene, handled. The first unit on scene moves the incident on scene; a decline
    that leaves no agency on the incident returns it to the call floor."""
    if status not in DispatchStatus.values or status == DispatchStatus.SENT:
        raise InvalidInput(f"unknown answer {status!r}", field="status")
    if status == DispatchStatus.ACKNOWLEDGED:
        return acknowledge_dispatch(dispatch, actor=actor)
    if status == DispatchStatus.DECLINED and not note.strip():
        raise InvalidInput("say why the agency declines", field="note")
    dispatch = (
        Dispatch.objects.select_for_update()
        .select_related("agency")
        .get(pk=dispatch.pk)
    )
    if not dispatch.can_move_to(status):
        raise IllegalTransition(
            f"a dispatch that is {dispatch.status} cannot be {status}"
        )
    incident = Incident.objects.select_for_update().get(pk=dispatch.incident_id)
    old = dispatch.status
    now = timezone.now()
    dispatch.status = status
    dispatch.acknowledged_at = dispatch.acknowledged_at or now
    if status in ENDED_STATUSES:
        dispatch.ended_at = now
    if note:
        dispatch.reason = note[:300]
    dispatch.save(update_fields=["status", "acknowledged_at", "ended_at", "reason"])
    after: dict[str, Any] = {"status": status} | ({"note": note} if note else {})
    append_event(
        actor=actor,
        action=f"dispatch.{status}",
        target=dispatch,
        before={"status": old},
        after=after,
        incident=incident,
    )
    _move_incident_along(incident, status, actor)
    return dispatch


def _move_incident_along(incident: Incident, status: str, actor: User | None) -> None:
    follows = INCIDENT_FOLLOWS.get(DispatchStatus(status))
    if follows is not None and incident.can_move_to(follows):
        move_incident(incident, status=follows, actor=actor)
    live = incident.dispatches.live()
    declined_by_all = status == DispatchStatus.DECLINED and not live.exists()
    if declined_by_all and incident.can_move_to(IncidentStatus.NEW):
        move_incident(
            incident, status=IncidentStatus.NEW, reason="declined", actor=actor
        )


@transaction.atomic
def request_assistance(
    dispatch: Dispatch, *, agency: Agency, note: str, actor: User | None
) -> None:
    """An agency asks the call floor to bring in another agency; the floor decides."""
    if not note.strip():
        raise InvalidInput("say what help is needed", field="note")
    append_event(
        actor=actor,
        action="dispatch.assistance_requested",
        target=dispatch,
        after={"agency": agency.code, "note": note[:300]},
        incident=dispatch.incident,
    )
