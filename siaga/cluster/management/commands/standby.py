"""`siaga standby rebuild`: make this server the standby of the current primary."""

from __future__ import annotations

import re
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from siaga.cluster.nodes import PRIMARY, nodes_from_settings, parse_node, state_of
from siaga.cluster.postgres import LocalServer
from siaga.cluster.standby import RebuildFailed, rebuild_standby

NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class Command(BaseCommand):
    help = (
        "rebuild: move this server's data directory aside, take a base backup of the "
        "primary, start as its synchronous standby."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("what", choices=["rebuild"])
        parser.add_argument("--data", type=Path, required=True, help="data directory")
        parser.add_argument("--port", type=int, default=5432)
        parser.add_argument("--name", required=True, help="this server's name: siaga1")
        parser.add_argument("--primary", help="host:port (default: the one that is)")
        parser.add_argument("--owner", default="", help="the data's OS user (postgres)")

    def handle(self, *args: Any, **options: Any) -> None:
        if not NAME.match(options["name"]):
            raise CommandError("--name: lower-case letters, digits and _ (siaga1)")
        if options["primary"]:
            primary = parse_node(options["primary"])
        else:
            primaries = [
                s.node
                for s in map(state_of, nodes_from_settings())
                if s.role == PRIMARY and not s.read_only
            ]
            if len(primaries) != 1:
                raise CommandError(
                    f"{len(primaries)} primaries answer; name one with --primary"
                )
            primary = primaries[0]
        server = LocalServer(options["data"], options["port"])
        try:
            aside = rebuild_standby(
                server, primary, name=options["name"], owner=options["owner"]
            )
        except RebuildFailed as error:
            raise CommandError(str(error)) from None
        kept = f"; the old data is kept in {aside}" if aside else ""
        self.stdout.write(f"{server.data} streams from {primary} (synchronous){kept}")
