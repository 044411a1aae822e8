"""Rebuilding a server as the standby of the current primary.

The old data directory is moved aside, never deleted: it may hold the last writes the
dead primary took but never acknowledged (synchronous commit means every acknowledged
write is on the standby too), which someone may want to read. A fresh base backup of
the primary (`pg_basebackup -R`, which also writes the standby's connection) replaces
it; once the new standby streams, the primary waits for it at every commit again.
"""

from __future__ import annotations

import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from siaga.cluster.nodes import Node, replicas_of, set_synchronous
from siaga.cluster.postgres import LocalServer


class RebuildFailed(Exception):
    pass


def rebuild_standby(
    server: LocalServer,
    primary: Node,
    *,
    name: str,
    owner: str = "",
    timeout: float = 180,
) -> Path | None:
    """Make `server` a synchronous standby of `primary`; returns where the old data
    directory went (None if there was none)."""
    owner = owner or (server.owner if server.data.exists() else "postgres")
    server.stop("fast")
    aside = None
    if server.data.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = server.data.with_name(f"{server.data.name}.old-{stamp}")
        server.data.rename(aside)
    server.data.mkdir(mode=0o700)
    if os.geteuid() == 0:
        shutil.chown(server.data, user=owner)
    source = primary_conninfo(primary, name)
    server.tool(
        "pg_basebackup",
        "-d",
        source,
        "-D",
        str(server.data),
        "-R",
        "-X",
        "stream",
        "-c",
        "fast",
    )
    server.start()
    wait_until_streaming(primary, name, timeout)
    set_synchronous(primary, on=True)
    return aside


def primary_conninfo(primary: Node, name: str) -> str:
    user = os.environ.get("SIAGA_REPLICATION_USER") or os.environ.get(
        "SIAGA_CLUSTER_USER", "postgres"
    )
    return (
        f"host={primary.host} port={primary.port} user={user} application_name={name}"
    )


def wait_until_streaming(primary: Node, name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(r.name == name and r.state == "streaming" for r in replicas_of(primary)):
            return
        time.sleep(0.5)
    raise RebuildFailed(
        f"the standby {name} did not stream from {primary} within {timeout:.0f} s"
    )
