"""`siaga fence`: make this server's PostgreSQL refuse writes until it is rebuilt."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from siaga.cluster.nodes import (
    PRIMARY,
    Node,
    fence_over_sql,
    nodes_from_settings,
    state_of,
)
from siaga.cluster.postgres import LocalServer


class Command(BaseCommand):
    help = (
        "Fence this server's PostgreSQL: it starts (or goes on) read-only. With "
        "--if-peer-is-primary (the unit's ExecStartPre), only when another server is "
        "the primary: a primary that died and comes back never takes writes beside the "
        "new one."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--data", type=Path, required=True, help="data directory")
        parser.add_argument("--port", type=int, default=5432)
        parser.add_argument("--if-peer-is-primary", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        server = LocalServer(options["data"], options["port"])
        if server.is_fenced():
            self.stdout.write(f"{server.data}: already fenced (or a standby)")
            return
        if options["if_peer_is_primary"] and not self.peer_is_primary(server):
            self.stdout.write(f"{server.data}: no other primary answers; not fenced")
            return
        if server.is_running():
            fence_over_sql(Node(server.host, server.port))
        server.fence()
        self.stdout.write(
            f"{server.data}: fenced; rebuild it with `siaga standby rebuild`"
        )

    def peer_is_primary(self, server: LocalServer) -> bool:
        """Another server of DATABASE_URL takes writes. This server is the one at
        position SIAGA_NODE_INDEX in DATABASE_URL's host list (docs/operations.md)."""
        peers = [
            node
            for index, node in enumerate(nodes_from_settings(), start=1)
            if index != settings.SIAGA_NODE_INDEX
        ]
        return any(
            state.role == PRIMARY and not state.read_only
            for state in map(state_of, peers)
        )
