"""`siaga drill schedule|run`: a failover drill, planned by a supervisor, run when due.

`run` is what a timer calls every minute (deploy/systemd/siaga-drill.timer): it does
nothing unless a planned drill is due. A drill is a real switchover to the standby,
measured and recorded; the old primary is left fenced for `siaga standby rebuild`.
"""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from siaga.accounts.models import User
from siaga.cluster.actions import record_drill_failure, schedule_drill
from siaga.cluster.models import Switchover, SwitchoverKind, SwitchoverOutcome
from siaga.cluster.switch import SwitchRefused, switch_primary
from siaga.lib.errors import ActionError
from siaga.lib.fields import WIB


class Command(BaseCommand):
    help = "schedule: plan a failover drill; run: run the drill that is due, if any."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("what", choices=["schedule", "run"])
        parser.add_argument(
            "--at", default="", help="schedule: when (2026-12-06T02:00, WIB)"
        )
        parser.add_argument(
            "--user", default="", help="schedule: the supervisor planning it"
        )
        parser.add_argument("--note", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["what"] == "schedule":
            self.schedule(options)
        else:
            self.run_due()

    def schedule(self, options: dict[str, Any]) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError("--user: an active supervisor's username")
        try:
            at = (
                datetime.fromisoformat(options["at"])
                if options["at"]
                else timezone.now()
            )
            if at.tzinfo is None:
                at = at.replace(tzinfo=WIB)
            drill = schedule_drill(at=at, note=options["note"], actor=user)
        except ValueError:
            raise CommandError("--at: a time like 2026-12-06T02:00") from None
        except ActionError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"drill #{drill.pk} planned for {drill.scheduled_for:%Y-%m-%d %H:%M %Z}"
        )

    def run_due(self) -> None:
        drill = (
            Switchover.objects.filter(
                kind=SwitchoverKind.DRILL,
                outcome=SwitchoverOutcome.PLANNED,
                scheduled_for__lte=timezone.now(),
            )
            .order_by("scheduled_for")
            .first()
        )
        if drill is None:
            self.stdout.write("no drill is due")
            return
        try:
            done = switch_primary(kind=SwitchoverKind.DRILL, drill=drill)
        except (SwitchRefused, ValueError, RuntimeError) as error:
            record_drill_failure(drill, reason=str(error))
            raise CommandError(f"drill #{drill.pk} failed: {error}") from None
        moved = f"primary is now {done.new_primary} ({done.seconds:.2f} s)"
        self.stdout.write(f"drill #{done.pk}: {moved}")
