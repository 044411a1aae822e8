"""`siaga failover`: promote the standby, fence the old primary, record it."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from siaga.cluster.nodes import parse_node
from siaga.cluster.postgres import LocalServer
from siaga.cluster.switch import SwitchRefused, switch_primary


class Command(BaseCommand):
    help = (
        "Promote the standby to primary and fence the old primary (it never accepts "
        "writes again until `siaga standby rebuild`). The servers are DATABASE_URL's "
        "hosts."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--to", help="the standby to promote, host:port (if two answer)"
        )
        parser.add_argument(
            "--old-data",
            type=Path,
            help="the old primary's data directory, if on this machine and down",
        )
        parser.add_argument("--old-port", type=int, default=5432, help="its port")

    def handle(self, *args: Any, **options: Any) -> None:
        old = options["old_data"]
        try:
            done = switch_primary(
                to=parse_node(options["to"]) if options["to"] else None,
                old_data=LocalServer(old, options["old_port"]) if old else None,
            )
        except (SwitchRefused, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"primary is now {done.new_primary} ({done.seconds:.2f} s)\n{done.note}"
        )
