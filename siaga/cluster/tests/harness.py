"""Two PostgreSQL servers on loopback ports from Debian's binaries, the app serving
in front of them, and a stream of writers through the API: the failover test's rig.

Run as root (CI), every PostgreSQL tool runs as the `postgres` user through runuser;
as anyone else, as that user.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from siaga.cluster.postgres import LocalServer
from siaga.testing_server import ROOT, free_port, run_siaga, wait_until_up

OS_USER = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name

PRIMARY_SETTINGS = """
listen_addresses = '127.0.0.1'
unix_socket_directories = '{sockets}'
wal_level = replica
max_wal_senders = 8
wal_keep_size = '256MB'
hot_standby = on
synchronous_commit = on
fsync = on
shared_buffers = '32MB'
"""


@contextlib.contextmanager
def workspace() -> Iterator[Path]:
    """A folder the PostgreSQL user may write in (pytest's own are root's, mode 700)."""
    folder = Path(tempfile.mkdtemp(prefix="siaga-ha-"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, user=OS_USER)
    try:
        yield folder
    finally:
        for data in folder.glob("node*"):
            if data.is_dir() and (data / "PG_VERSION").exists():
                with contextlib.suppress(Exception):
                    LocalServer(data, 0).kill()
        shutil.rmtree(folder, ignore_errors=True)


def new_primary(folder: Path, name: str) -> LocalServer:
    data = folder / name
    data.mkdir(mode=0o700)
    if os.geteuid() == 0:
        shutil.chown(data, user=OS_USER)
    server = LocalServer(data, free_port())
    server.tool(
        "initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
    )
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(PRIMARY_SETTINGS.format(sockets=folder))
    server.start()
    with psycopg.connect(server.conninfo(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE siaga")
    return server


def app_env(folder: Path, *servers: LocalServer) -> dict[str, str]:
    hosts = ",".join(f"127.0.0.1:{s.port}" for s in servers)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SIAGA_", "DATABASE"))
    }
    return env | {
        "DATABASE_URL": f"postgresql://postgres@{hosts}/siaga",
        "SIAGA_ENV": "development",
        "DEBUG": "false",
        "PORT": str(free_port()),
        "SIAGA_SQLITE_PATH": str(folder / "unused.sqlite3"),
    }


def siaga(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """As `testing_server.run_siaga`, with time for base backups and promotions."""
    return run_siaga(env, *args, timeout=300)


@contextlib.contextmanager
def server_process(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """`siaga serve` on env's PORT, once it answers; stopped on exit if alive."""
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [sys.executable, "-m", "siaga.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{env['PORT']}")
        yield server
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


@contextlib.contextmanager
def serving(env: dict[str, str]) -> Iterator[str]:
    with server_process(env):
        yield f"http://127.0.0.1:{env['PORT']}"


def post(
    base: str, path: str, token: str, body: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(  # noqa: S310 (loopback test server)
        f"{base}{path}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status), json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return int(error.code), {}
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError):
        # No answer, or one cut off by the kill (headers without their body): not an
        # acknowledgement, so the write is not counted as one.
        return 0, {}


@dataclass
class Stream:
    """Writers sending contacts (and every fifth time an incident) until stopped;
    what was acknowledged (201) and when."""

    base: str
    token: str
    tag: str
    contacts: list[str] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)
    incidents_at: dict[str, float] = field(default_factory=dict)
    acked_at: list[float] = field(default_factory=list)
    refused: dict[int, int] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def write(self, writer: int) -> None:
        sent = 0
        while not self.stop.is_set():
            sent += 1
            provider_id = f"{self.tag}-{writer}-{sent}"
            status, body = post(
                self.base,
                "/api/v1/contacts",
                self.token,
                {
                    "channel": "sms",
                    "sender": "081234567890",
                    "text": f"Banjir di Ciledug {provider_id}",
                    "provider_id": provider_id,
                },
            )
            self.note(status, contact=provider_id if status == 201 else "")
            if sent % 5 == 0:
                status, body = post(
                    self.base,
                    "/api/v1/incidents",
                    self.token,
                    {
                        "category": "banjir-bencana",
                        "description": f"Banjir {provider_id}",
                    },
                )
                self.note(
                    status,
                    incident=str(body.get("number", "")) if status == 201 else "",
                )
            if status != 201:
                time.sleep(0.1)

    def note(self, status: int, contact: str = "", incident: str = "") -> None:
        with self.lock:
            if status == 201:
                self.acked_at.append(time.monotonic())
                if contact:
                    self.contacts.append(contact)
                if incident:
                    self.incidents.append(incident)
                    self.incidents_at[incident] = time.monotonic()
            else:
                self.refused[status] = self.refused.get(status, 0) + 1

    def incidents_since(self, moment: float) -> set[str]:
        with self.lock:
            return {n for n, t in self.incidents_at.items() if t > moment}

    def acked_since(self, moment: float) -> int:
        with self.lock:
            return sum(1 for t in self.acked_at if t > moment)

    def interruption(self, moment: float) -> float:
        """From the last acknowledgement before `moment` to the first after it."""
        with self.lock:
            before = max((t for t in self.acked_at if t <= moment), default=moment)
            after = min((t for t in self.acked_at if t > moment), default=float("nan"))
        return after - before

    @contextlib.contextmanager
    def running(self, writers: int = 3) -> Iterator[Stream]:
        threads = [
            threading.Thread(target=self.write, args=(n,), daemon=True)
            for n in range(writers)
        ]
        for thread in threads:
            thread.start()
        try:
            yield self
        finally:
            self.stop.set()
            for thread in threads:
                thread.join(timeout=30)


def wait_for(predicate: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def stored(server: LocalServer) -> tuple[set[str], set[str]]:
    with psycopg.connect(server.conninfo("siaga")) as conn:
        contacts = {
            r[0] for r in conn.execute("SELECT provider_id FROM intake_contact")
        }
        incidents = {
            r[0] for r in conn.execute("SELECT number FROM incidents_incident")
        }
    return contacts, incidents


def refuses_writes(server: LocalServer) -> str:
    """The error a write on `server` gets ('' if it was accepted)."""
    try:
        with psycopg.connect(server.conninfo("siaga")) as conn:
            conn.execute("CREATE TABLE fence_probe (id int)")
    except psycopg.errors.ReadOnlySqlTransaction as error:
        return str(error)
    return ""
