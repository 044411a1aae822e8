"""The embedded default (SQLite): `kill -9` of the server during a burst of intake
loses nothing that was acknowledged, and intake resumes when it is started again.

Run by `make test-ha`; marked `ha`, left out of the suite.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

import pytest

from siaga.cluster.tests.harness import Stream, server_process, siaga, wait_for
from siaga.testing_server import clean_env

pytestmark = pytest.mark.ha


def test_kill_9_of_the_server_loses_no_acknowledged_contact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = clean_env(tmp_path)
    siaga(env, "migrate", "--noinput")
    siaga(env, "load-dataset", "tangerang")
    siaga(env, "load-demo-accounts")
    token = siaga(env, "create-token", "--user", "ruangan").stdout.strip()
    base = f"http://127.0.0.1:{env['PORT']}"

    with Stream(base, token, "kill").running(writers=4) as stream:
        with server_process(env) as first:
            wait_for(lambda: stream.acked_since(0) >= 60, 60, "60 writes")
            killed_at = time.monotonic()
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        with server_process(env):
            wait_for(lambda: stream.acked_since(killed_at) >= 30, 60, "writes again")

    with sqlite3.connect(env["SIAGA_SQLITE_PATH"]) as db:
        contacts = {r[0] for r in db.execute("SELECT provider_id FROM intake_contact")}
        incidents = {r[0] for r in db.execute("SELECT number FROM incidents_incident")}
        check = db.execute("PRAGMA integrity_check").fetchone()
    assert set(stream.contacts) <= contacts, "acknowledged contacts are missing"
    assert set(stream.incidents) <= incidents, "acknowledged incidents are missing"
    assert check == ("ok",)
    with capsys.disabled():
        print(
            f"\n[kill -9, SQLite] {len(stream.contacts)} contacts,"
            f" {len(stream.incidents)} incidents acknowledged, all present; intake"
            f" interrupted {stream.interruption(killed_at):.2f} s (restart included)"
        )
