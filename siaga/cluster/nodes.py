"""The two database servers as the app sees them: which is primary, which standby,
how far behind the standby is; and the SQL that promotes and fences them.

Nodes are the hosts of DATABASE_URL (`postgresql://…@siaga1:5432,siaga2:5432/siaga`),
reached one by one as the cluster's administrator ($SIAGA_CLUSTER_USER, `postgres`
by default; a password comes from libpq's PGPASSWORD or ~/.pgpass, never from here).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import psycopg
from django.conf import settings
from psycopg import sql
from psycopg.conninfo import make_conninfo

DOWN, PRIMARY, STANDBY = "down", "primary", "standby"


@dataclass(frozen=True)
class Node:
    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"

    def conninfo(self, dbname: str = "postgres") -> str:
        user = os.environ.get("SIAGA_CLUSTER_USER", "postgres")
        return make_conninfo(
            host=self.host, port=self.port, dbname=dbname, user=user, connect_timeout=3
        )

    def connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(self.conninfo(), autocommit=True)


def nodes_from_settings() -> list[Node]:
    """The hosts and ports of the app's database (both servers, in order)."""
    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("postgresql"):
        raise ValueError(
            "a primary and a standby exist only on PostgreSQL (DATABASE_URL)"
        )
    hosts = str(database["HOST"] or "127.0.0.1").split(",")
    ports = str(database["PORT"] or "").split(",")
    ports += [ports[-1] if ports and ports[-1] else "5432"] * (len(hosts) - len(ports))
    return [
        Node(host, int(port or 5432)) for host, port in zip(hosts, ports, strict=False)
    ]


def parse_node(text: str) -> Node:
    host, _, port = text.strip().rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"{text!r} is not host:port")
    return Node(host, int(port))


@dataclass(frozen=True)
class NodeState:
    node: Node
    role: str  # primary, standby or down
    read_only: bool = False  # a fenced primary refuses writes
    detail: str = ""


def state_of(node: Node) -> NodeState:
    try:
        with node.connect() as conn:
            in_recovery, read_only = conn.execute(
                "SELECT pg_is_in_recovery(),"
                " current_setting('default_transaction_read_only') = 'on'"
            ).fetchone() or (False, False)
    except psycopg.OperationalError as error:
        return NodeState(node, DOWN, detail=str(error).strip().splitlines()[0][:200])
    return NodeState(
        node, STANDBY if in_recovery else PRIMARY, read_only=bool(read_only)
    )


def promote(node: Node, wait_seconds: int = 60) -> None:
    """End the standby's recovery: it becomes a primary that accepts writes."""
    with node.connect() as conn:
        promoted = conn.execute(
            "SELECT pg_promote(wait => true, wait_seconds => %s)", (wait_seconds,)
        ).fetchone()
    if not promoted or not promoted[0]:
        raise RuntimeError(f"{node} did not finish promotion within {wait_seconds} s")


def fence_over_sql(node: Node) -> None:
    """Fence a primary that still answers: every new transaction is read-only (libpq's
    `target_session_attrs=read-write` then skips it, so the app's connections go to
    the new primary), the sessions open now are ended, and `standby.signal` is written
    into its data directory so that a restart starts it in recovery."""
    with node.connect() as conn:
        conn.execute("ALTER SYSTEM SET default_transaction_read_only = on")
        conn.execute("SELECT pg_reload_conf()")
        row = conn.execute("SELECT current_setting('data_directory')").fetchone()
        data = row[0] if row else ""
        # COPY … TO a file runs as the server's own user, inside its data directory.
        conn.execute(
            sql.SQL("COPY (SELECT 'fenced by siaga') TO {}").format(
                sql.Literal(f"{data}/standby.signal")
            )
        )
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )


def set_synchronous(node: Node, on: bool) -> None:
    """Wait for a standby at every commit (on) or not (off: no standby is there).

    With it on, a write acknowledged to a caller is on both servers' disks; with no
    standby connected, every write would wait forever, so a lone primary runs without.
    """
    with node.connect() as conn:
        conn.execute(
            sql.SQL("ALTER SYSTEM SET synchronous_standby_names = {}").format(
                sql.Literal("*" if on else "")
            )
        )
        conn.execute("SELECT pg_reload_conf()")


@dataclass(frozen=True)
class Replica:
    name: str
    state: str  # streaming, catchup…
    sync_state: str  # sync, async, potential
    lag_bytes: int


# A primary's standbys: name, state, sync state, bytes of WAL not yet replayed.
REPLICAS_SQL = (
    "SELECT application_name, state, sync_state,"
    " COALESCE(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn), 0)::bigint"
    " FROM pg_stat_replication"
)


def replicas_of(node: Node) -> list[Replica]:
    with node.connect() as conn:
        rows = conn.execute(REPLICAS_SQL).fetchall()
    return [Replica(str(a), str(b), str(c), int(d)) for a, b, c, d in rows]
