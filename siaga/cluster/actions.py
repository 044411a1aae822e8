"""Actions on switchovers: a drill planned, cancelled, a switchover recorded."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from siaga.accounts.models import User
from siaga.cluster.models import Switchover, SwitchoverKind, SwitchoverOutcome
from siaga.events.log import append_event
from siaga.lib.errors import Conflict, InvalidInput

LATEST_DRILL = timedelta(days=92)  # a quarter ahead at most


@transaction.atomic
def schedule_drill(*, at: datetime, note: str, actor: User) -> Switchover:
    """Plan a failover drill; the worker (or `siaga drill run`) runs it when due."""
    now = timezone.now()
    if at < now - timedelta(minutes=1) or at > now + LATEST_DRILL:
        raise InvalidInput(
            "a drill is planned between now and three months ahead", field="at"
        )
    if Switchover.objects.filter(outcome=SwitchoverOutcome.PLANNED).exists():
        raise Conflict("a drill is already planned; cancel it first")
    drill = Switchover.objects.create(
        kind=SwitchoverKind.DRILL,
        scheduled_for=at,
        requested_by=actor,
        note=note[:2000],
    )
    append_event(
        actor=actor,
        action="cluster.drill_scheduled",
        target=drill,
        after={"scheduled_for": at.isoformat(), "note": drill.note},
    )
    return drill


@transaction.atomic
def cancel_drill(drill: Switchover, *, actor: User) -> Switchover:
    locked = Switchover.objects.select_for_update().get(pk=drill.pk)
    if locked.outcome != SwitchoverOutcome.PLANNED:
        raise Conflict("only a planned drill can be cancelled")
    locked.outcome = SwitchoverOutcome.CANCELLED
    locked.save(update_fields=["outcome"])
    append_event(
        actor=actor,
        action="cluster.drill_cancelled",
        target=locked,
        before={"outcome": SwitchoverOutcome.PLANNED},
        after={"outcome": locked.outcome},
    )
    return locked


@transaction.atomic
def record_switchover(
    *,
    kind: str,
    started_at: datetime,
    old_primary: str,
    new_primary: str,
    seconds: float,
    note: str,
    drill: Switchover | None = None,
    actor: User | None = None,
) -> Switchover:
    """Write down a switchover that happened: on the new primary, as its first write
    (its commit ends the measured time)."""
    done = drill or Switchover(kind=kind)
    done.outcome = SwitchoverOutcome.DONE
    done.started_at = started_at
    done.finished_at = timezone.now()
    done.old_primary, done.new_primary = old_primary[:200], new_primary[:200]
    done.seconds = round(seconds, 3)
    done.note = "\n".join(part for part in (done.note, note) if part)[:4000]
    done.save()
    append_event(
        actor=actor,
        action=f"cluster.{kind}",
        target=done,
        after={
            "old_primary": done.old_primary,
            "new_primary": done.new_primary,
            "seconds": done.seconds,
            "note": note[:500],
        },
    )
    return done


@transaction.atomic
def record_drill_failure(drill: Switchover, *, reason: str) -> Switchover:
    drill.outcome = SwitchoverOutcome.FAILED
    drill.finished_at = timezone.now()
    drill.note = "\n".join(part for part in (drill.note, reason) if part)[:4000]
    drill.save(update_fields=["outcome", "finished_at", "note"])
    append_event(
        actor=None,
        action="cluster.drill_failed",
        target=drill,
        after={"reason": reason[:500]},
    )
    return drill
