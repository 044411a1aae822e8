"""Deadlines live in the database, not in a worker's memory: a worker started after the
deadline passed (a restart, a failover) still escalates, exactly once."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from siaga.testing_server import ROOT, siaga

OPEN_A_FIRE = """
import django
django.setup()
from siaga.agencies.models import Agency
from siaga.incidents.actions import open_incident
from siaga.incidents.models import Category
open_incident(
    category=Category.objects.get(code="kebakaran"),
    agencies=[Agency.objects.get(code="DAMKAR")],
    actor=None,
)
"""


def test_a_new_worker_escalates_a_deadline_missed_while_none_ran(
    tmp_path: Path,
) -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SIAGA_", "DATABASE"))
    }
    env |= {
        "SIAGA_SQLITE_PATH": str(tmp_path / "siaga.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        # Priority 1 gets no time at all, so the deadline has passed once it is written.
        "SIAGA_ACK_DEADLINE_BY_PRIORITY": "1:0",
    }
    siaga(env, "migrate", "--noinput")
    siaga(env, "load-dataset", "tangerang")
    subprocess.run(  # noqa: S603 (our own code, fixed arguments)
        [sys.executable, "-c", OPEN_A_FIRE], cwd=ROOT, env=env, check=True, timeout=120
    )

    first = siaga(env, "worker", "--once")  # a worker that was not running before
    second = siaga(env, "worker", "--once")

    assert first.strip() == "1 item(s) handled"
    assert second.strip() == "0 item(s) handled"
    database = sqlite3.connect(env["SIAGA_SQLITE_PATH"])
    try:
        rows = database.execute(
            "SELECT count(*) FROM events_event WHERE action = 'dispatch.escalated'"
        ).fetchone()
    finally:
        database.close()
    assert rows == (1,)
