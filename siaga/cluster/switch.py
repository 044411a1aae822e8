"""Moving the primary to the standby: fence every other primary, promote, record.

The order matters. A primary that still answers is fenced before the standby is
promoted, so there is never a moment with two servers accepting writes. A primary
that does not answer cannot be fenced from here: its data directory is fenced when
it is on this machine (`old_data`), and otherwise its own server fences it before
PostgreSQL starts there again (`siaga fence --if-peer-is-primary`, the systemd unit's
ExecStartPre).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from siaga.accounts.models import User
from siaga.cluster.actions import record_switchover
from siaga.cluster.models import Switchover, SwitchoverKind
from siaga.cluster.nodes import (
    DOWN,
    PRIMARY,
    STANDBY,
    Node,
    NodeState,
    fence_over_sql,
    nodes_from_settings,
    promote,
    set_synchronous,
    state_of,
)
from siaga.cluster.postgres import LocalServer


class SwitchRefused(Exception):
    """The cluster is not in a state where the primary can move."""


@dataclass(frozen=True)
class Plan:
    standby: Node
    to_fence: list[Node]  # primaries that answer
    down: list[Node]  # servers that do not answer


def plan(states: list[NodeState], to: Node | None = None) -> Plan:
    standbys = [
        s.node for s in states if s.role == STANDBY and (to is None or s.node == to)
    ]
    if not standbys:
        where = f" at {to}" if to else ""
        raise SwitchRefused(f"no standby answers{where}: nothing to promote")
    if len(standbys) > 1:
        raise SwitchRefused("more than one standby answers: name one with --to")
    return Plan(
        standby=standbys[0],
        to_fence=[
            s.node for s in states if s.role == PRIMARY and s.node != standbys[0]
        ],
        down=[s.node for s in states if s.role == DOWN],
    )


def switch_primary(
    *,
    kind: str = SwitchoverKind.FAILOVER,
    to: Node | None = None,
    old_data: LocalServer | None = None,
    drill: Switchover | None = None,
    actor: User | None = None,
) -> Switchover:
    """Fence, promote, write the record on the new primary; the record's `seconds` runs
    from the first step to the start of that first write."""
    started_at, clock = timezone.now(), time.monotonic()
    chosen = plan([state_of(node) for node in nodes_from_settings()], to)
    notes = []
    for node in chosen.to_fence:
        fence_over_sql(node)
        notes.append(f"{node}: fenced (read-only, standby.signal)")
    pending = list(chosen.down)
    if old_data is not None:
        old_data.fence()
        pending = [node for node in pending if node.port != old_data.port]
        notes.append(f"{old_data.data}: fenced (standby.signal)")
    promote(chosen.standby)
    set_synchronous(chosen.standby, on=False)  # no standby to wait for until rebuilt
    notes += [
        f"{node}: down; fence it before it starts (siaga fence)" for node in pending
    ]
    connection.close()  # the app's next connection finds the new primary
    old = ", ".join(str(node) for node in [*chosen.to_fence, *chosen.down])
    return record_switchover(
        kind=kind,
        started_at=started_at,
        old_primary=old,
        new_primary=str(chosen.standby),
        seconds=time.monotonic() - clock,
        note="; ".join(notes),
        drill=drill,
        actor=actor,
    )
