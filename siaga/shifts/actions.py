"""Actions on shifts: plan a duty, check in and out, hand over, confirm a handover."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from siaga.accounts.models import User
from siaga.events.log import append_event
from siaga.lib.errors import Conflict, IllegalTransition, InvalidInput
from siaga.shifts.handover import open_items
from siaga.shifts.models import Duty, Handover, ShiftPattern

# A duty may be checked into this long before its shift starts (the briefing).
EARLY = timedelta(minutes=60)


def pattern_for(user: User) -> ShiftPattern:
    pattern = ShiftPattern.objects.filter(role=user.role).first()
    if pattern is None:
        raise IllegalTransition(f"no shift pattern for the role {user.role}")
    return pattern


@transaction.atomic
def plan_duty(user: User, *, day: date, index: int, actor: User | None) -> Duty:
    """Put someone on the rota for shift `index` of `day` (their role's pattern)."""
    pattern = pattern_for(user)
    if not 0 <= index < len(pattern.start_times()):
        raise InvalidInput(f"the pattern has no shift {index}", field="index")
    slot = pattern.slot(day, index)
    try:
        with transaction.atomic():
            duty = Duty.objects.create(
                user=user,
                name=slot.name,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
            )
    except IntegrityError:
        raise Conflict(f"{user} is on that shift already") from None
    append_event(
        actor=actor,
        action="duty.planned",
        target=duty,
        after={"user": user.get_username(), "starts_at": slot.starts_at.isoformat()},
    )
    return duty


@transaction.atomic
def check_in(user: User, *, actor: User | None) -> Duty:
    """Start a duty: the planned one starting about now, else the role's current
    shift (an unplanned check-in is allowed: somebody covers)."""
    if Duty.objects.on_duty().filter(user=user).exists():
        raise Conflict("you are checked in already")
    now = timezone.now()
    duty = (
        Duty.objects.select_for_update()
        .filter(user=user, checked_in_at__isnull=True, ends_at__gt=now)
        .filter(starts_at__lte=now + EARLY)
        .order_by("starts_at")
        .first()
    )
    if duty is None:
        slot = pattern_for(user).slot_at(now)
        duty, _ = Duty.objects.get_or_create(
            user=user,
            starts_at=slot.starts_at,
            defaults={"name": slot.name, "ends_at": slot.ends_at},
        )
        if duty.checked_in_at is not None:
            raise Conflict("you checked in and out of this shift already")
    duty.checked_in_at = now
    duty.save(update_fields=["checked_in_at"])
    append_event(
        actor=actor,
        action="duty.checked_in",
        target=duty,
        after={"at": now.isoformat()},
    )
    return duty


@transaction.atomic
def check_out(user: User, *, actor: User | None) -> Duty:
    duty = Duty.objects.select_for_update().on_duty().filter(user=user).first()
    if duty is None:
        raise IllegalTransition("you are not checked in")
    duty.checked_out_at = timezone.now()
    duty.save(update_fields=["checked_out_at"])
    append_event(
        actor=actor,
        action="duty.checked_out",
        target=duty,
        after={"at": duty.checked_out_at.isoformat()},
    )
    return duty


def takes_over(incoming: User, outgoing: User) -> bool:
    """Someone else at the same desk: the same role and, for agencies, agency."""
    same_agency = incoming.agency_id == outgoing.agency_id
    return incoming != outgoing and incoming.role == outgoing.role and same_agency


@transaction.atomic
def hand_over(
    outgoing: User, *, incoming: User | None, notes: str, actor: User | None
) -> Handover:
    """Leave the shift's open items (read now, from live data) and notes to the next
    operator: a named one, or whoever takes over at the same desk."""
    if incoming is not None and not takes_over(incoming, outgoing):
        raise InvalidInput("hand over to someone else at your desk", field="incoming")
    items = open_items(outgoing)
    handover = Handover.objects.create(
        outgoing=outgoing,
        incoming=incoming,
        items=items.as_record(),
        notes=notes.strip()[:4000],
    )
    append_event(
        actor=actor,
        action="handover.given",
        target=handover,
        after={
            "items": items.count(),
            "incoming": incoming and incoming.get_username(),
        },
    )
    return handover


@transaction.atomic
def confirm_handover(handover: Handover, *, user: User) -> Handover:
    """The incoming operator has read it: recorded once, by the right person."""
    current = Handover.objects.select_for_update().get(pk=handover.pk)
    if current.confirmed_at is not None:
        raise Conflict("this handover is confirmed already")
    named = current.incoming_id is not None and current.incoming_id != user.pk
    if named or not takes_over(user, current.outgoing):
        raise IllegalTransition("this handover is for someone else")
    current.confirmed_at, current.confirmed_by = timezone.now(), user
    current.save(update_fields=["confirmed_at", "confirmed_by"])
    append_event(
        actor=user,
        action="handover.confirmed",
        target=current,
        after={"by": user.get_username()},
    )
    return current
