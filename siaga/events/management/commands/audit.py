"""`siaga audit verify`: check the event log's hash chain end to end."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from siaga.events.audit import verify_log


class Command(BaseCommand):
    help = (
        "verify: recompute every event's hash in id order; exits 1 naming the first "
        "event whose content or link does not match."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("what", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        broken, checked, head = verify_log()
        if broken is not None:
            raise CommandError(
                f"the event log is broken at {broken}"
                f" ({checked} events before it are intact)"
            )
        self.stdout.write(f"the event log is intact: {checked} events, head {head}")
