"""Two `siaga serve` processes on one PostgreSQL database: an event written through one
reaches a console connected to the other (LISTEN/NOTIFY between processes)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from siaga.testing_server import (
    ROOT,
    LiveFeed,
    call_api,
    free_port,
    siaga,
    wait_until_up,
)

URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not URL.startswith("postgres"), reason="needs PostgreSQL (the PostgreSQL run)"
)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="module")
def two_servers() -> Iterator[tuple[str, str, str]]:
    name = f"siaga_live_{uuid.uuid4().hex[:8]}"
    admin = with_database(URL, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SIAGA_", "DATABASE"))
    }
    env["DATABASE_URL"] = with_database(URL, name)
    # No polling: only PostgreSQL NOTIFY can carry an event from one server to another.
    env["SIAGA_LIVE_POLL_SECONDS"] = "3600"
    servers = []
    try:
        siaga(env, "migrate", "--noinput")
        siaga(env, "load-dataset", "tangerang")
        siaga(env, "load-demo-accounts")
        token = siaga(env, "create-token", "--user", "telepon").strip()
        bases = []
        for _ in range(2):
            port = free_port()
            servers.append(
                subprocess.Popen(  # noqa: S603 (our own command)
                    [sys.executable, "-m", "siaga.cli", "serve", "--port", str(port)],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
        for base in bases:
            wait_until_up(base)
        yield bases[0], bases[1], token
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=20)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_an_event_written_through_one_server_reaches_a_console_on_the_other(
    two_servers: tuple[str, str, str],
) -> None:
    server_a, server_b, token = two_servers
    feed = LiveFeed(server_b, token)

    body = {"category": "kebakaran", "agencies": ["DAMKAR"]}
    number = call_api(server_a, token, "POST", "/api/v1/incidents", body)["number"]

    received = feed.events(3, seconds=10)
    feed.close()
    assert [data for _, data in received] == [
        {"type": "incident.opened", "incident": number},
        {"type": "dispatch.sent", "incident": number},
        {"type": "incident.status_changed", "incident": number},
    ]
