"""Issue 8's proof: a primary and a synchronous standby from Debian's PostgreSQL
binaries, the app in front of both (multi-host DATABASE_URL), a continuous stream of
contacts and incidents through the API; SIGKILL the primary, `siaga failover`; every
acknowledged write is on the new primary and intake resumes. Then the old primary is
shown fenced, rebuilt as the standby, and a scheduled drill moves the primary back,
fencing a primary that still runs.

Run by `make test-ha` (called by `make test`); marked `ha`, left out of the suite.
"""

from __future__ import annotations

import time

import psycopg
import pytest

from siaga.cluster.postgres import LocalServer
from siaga.cluster.tests.harness import (
    Stream,
    app_env,
    new_primary,
    refuses_writes,
    serving,
    siaga,
    stored,
    wait_for,
    workspace,
)
from siaga.testing_server import LiveFeed, free_port

pytestmark = pytest.mark.ha


def test_no_acknowledged_write_is_lost_when_the_primary_dies(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with workspace() as folder:
        first = new_primary(folder, "node1")
        second = LocalServer(folder / "node2", free_port())
        env = app_env(folder, first, second)
        siaga(env, "migrate", "--noinput")
        siaga(env, "load-dataset", "tangerang")
        siaga(env, "load-demo-accounts")
        token = siaga(env, "create-token", "--user", "ruangan").stdout.strip()
        siaga(
            env,
            "standby",
            "rebuild",
            "--data",
            str(second.data),
            "--port",
            str(second.port),
            "--name",
            "node2",
            "--owner",
            first.owner,
        )

        with serving(env) as base, Stream(base, token, "ha").running() as stream:
            feed = LiveFeed(base, token)  # a console's live stream, open throughout
            wait_for(
                lambda: stream.acked_since(0) >= 30, 60, "30 writes before the kill"
            )
            killed_at = time.monotonic()
            first.kill()
            promoted = siaga(
                env,
                "failover",
                "--old-data",
                str(first.data),
                "--old-port",
                str(first.port),
            )
            switched_at = time.monotonic()
            wait_for(
                lambda: stream.acked_since(switched_at) >= 30,
                60,
                "30 writes after the failover",
            )
            streamed = {
                str(data.get("incident"))
                for _, data in feed.events(100_000, seconds=5)
                if data.get("type") == "incident.opened"
            }
            feed.close()
        interruption = stream.interruption(killed_at)

        contacts, incidents = stored(second)
        assert set(stream.contacts) <= contacts, "acknowledged contacts are missing"
        assert set(stream.incidents) <= incidents, "acknowledged incidents are missing"
        assert len(stream.contacts) == len(set(stream.contacts))
        assert stream.acked_since(switched_at) >= 30  # intake resumed
        # The console's stream went on across the failover: it shows incidents opened
        # on the new primary.
        assert stream.incidents_since(switched_at) & streamed
        assert "primary is now" in promoted.stdout

        # The killed primary, started again, is fenced: it refuses writes.
        first.start()
        assert "read-only" in refuses_writes(first)

        # Rebuilt as the new primary's standby; then a planned drill moves the primary
        # back to it, fencing the primary that still runs.
        siaga(
            env,
            "standby",
            "rebuild",
            "--data",
            str(first.data),
            "--port",
            str(first.port),
            "--name",
            "node1",
        )
        siaga(env, "drill", "schedule", "--user", "koordinator", "--note", "latihan")
        with serving(env) as base, Stream(base, token, "drill").running() as during:
            wait_for(lambda: during.acked_since(0) >= 10, 60, "writes before the drill")
            drilled_at = time.monotonic()
            drill = siaga(env, "drill", "run")
            wait_for(
                lambda: during.acked_since(drilled_at) >= 10,
                60,
                "writes after the drill",
            )
        assert set(during.contacts) <= stored(first)[0]
        assert "read-only" in refuses_writes(second)
        with psycopg.connect(first.conninfo("siaga")) as conn:
            kinds = [
                row[0]
                for row in conn.execute(
                    "SELECT kind FROM cluster_switchover"
                    " WHERE outcome = 'done' ORDER BY id"
                )
            ]
            drilled = conn.execute(
                "SELECT count(*) FROM events_event WHERE action = 'cluster.drill'"
            ).fetchone()
        assert kinds == ["failover", "drill"]
        assert drilled == (1,)

        assert set(stream.refused) <= {503}, stream.refused  # never a 500
        acked = f"{len(stream.contacts)} contacts, {len(stream.incidents)} incidents"
        with capsys.disabled():
            print(
                f"\n[failover] {acked} acknowledged, all present after SIGKILL of the"
                f" primary; intake interrupted {interruption:.2f} s; refused meanwhile"
                f" {stream.refused}; {promoted.stdout.splitlines()[0]}"
                f"\n[drill] {drill.stdout.strip()}; intake interrupted"
                f" {during.interruption(drilled_at):.2f} s"
            )


def test_a_server_coming_back_fences_itself_when_its_peer_is_primary() -> None:
    """`siaga fence --if-peer-is-primary` (the PostgreSQL unit's ExecStartPre) on
    server 2 of DATABASE_URL: nothing while server 1 does not answer; fenced once
    server 1 is the primary, so it starts read-only."""
    with workspace() as folder:
        peer = new_primary(folder, "node1")
        returning = new_primary(folder, "node2")  # a primary that died and comes back
        returning.stop()
        env = app_env(folder, peer, returning) | {
            "SIAGA_NODE_INDEX": "2",
            "SIAGA_NODE_COUNT": "2",
        }
        guard = ["fence", "--data", str(returning.data), "--port", str(returning.port)]

        peer.stop()
        alone = siaga(env, *guard, "--if-peer-is-primary")
        assert "not fenced" in alone.stdout and not returning.is_fenced()

        peer.start()
        fenced = siaga(env, *guard, "--if-peer-is-primary")
        assert "fenced" in fenced.stdout and returning.is_fenced()
        returning.start()
        assert "read-only" in refuses_writes(returning)
