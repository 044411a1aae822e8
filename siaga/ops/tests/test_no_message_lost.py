"""Killing the processes between receipt and processing loses no message.

A real `siaga serve` (no embedded worker) acknowledges signed WhatsApp webhooks and is
then killed with SIGKILL before anything is processed; a `siaga worker` is killed
mid-way too. The next worker pass makes every message a contact, exactly once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from siaga.testing_server import (
    ROOT,
    clean_env,
    post_signed_whatsapp,
    siaga,
    wait_until_up,
    whatsapp_text,
)

MESSAGES = 40


def count(database: Path, sql: str) -> int:
    with sqlite3.connect(database) as connection:
        return int(connection.execute(sql).fetchone()[0])


def start(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 (our own command)
        [sys.executable, "-m", "siaga.cli", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def test_killing_the_server_and_the_worker_loses_no_message(tmp_path: Path) -> None:
    if os.environ.get("DATABASE_URL"):
        pytest.skip("runs on embedded SQLite; PostgreSQL gives the same guarantee")
    database = tmp_path / "siaga.sqlite3"
    env = clean_env(tmp_path, SIAGA_EMBEDDED_WORKER="false", SIAGA_WORKER_INTERVAL="1")
    siaga(env, "migrate", "--noinput")
    server = start(env, "serve")
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        wait_until_up(base)
        for n in range(MESSAGES):
            body = whatsapp_text(f"wamid.K{n}", "6281299990000", f"pesan ke-{n}")
            assert post_signed_whatsapp(base, body) == 200
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=20)

    # Every acknowledged message is on disk as a delivery; none is a contact yet.
    assert count(database, "select count(*) from intake_delivery") == MESSAGES
    assert count(database, "select count(*) from intake_contact") == 0

    worker = start(env, "worker")
    deadline = time.monotonic() + 60
    while count(database, "select count(*) from intake_contact") == 0:
        assert time.monotonic() < deadline, "the worker processed nothing"
        time.sleep(0.01)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=20)

    siaga(env, "worker", "--once")
    assert count(database, "select count(*) from intake_contact") == MESSAGES
    assert (
        count(database, "select count(distinct provider_id) from intake_contact")
        == MESSAGES
    )
    processed = "select count(*) from intake_delivery where status = 'processed'"
    assert count(database, processed) == MESSAGES
