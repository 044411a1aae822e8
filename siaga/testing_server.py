"""A real server for end-to-end tests: what `make demo` runs, on a fresh SQLite file.

The `demo` fixture migrates, loads the Tangerang data set and the demo accounts, and
serves under uvicorn on a free loopback port, once per test session.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import json
import os
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# The tests post WhatsApp bodies shaped as the simulator sends them.
from siaga.simulator.send import whatsapp_text as whatsapp_text

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_siaga(
    env: dict[str, str], *args: str, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """A `siaga` command in a subprocess with this environment; fails if it fails."""
    return subprocess.run(  # noqa: S603 (our own command, fixed arguments)
        [sys.executable, "-m", "siaga.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )


def siaga(env: dict[str, str], *args: str) -> str:
    return run_siaga(env, *args).stdout


# The end-to-end server accepts provider webhooks signed with these test secrets.
CHANNEL_SECRETS = {
    "SIAGA_WHATSAPP_APP_SECRET": "e2e-whatsapp-secret",
    "SIAGA_TELEGRAM_SECRET_TOKEN": "e2e-telegram-secret",
    "SIAGA_META_APP_SECRET": "e2e-meta-secret",
    "SIAGA_X_CONSUMER_SECRET": "e2e-x-secret",
}


def post_signed_whatsapp(base: str, body: dict[str, Any]) -> int:
    """POST a WhatsApp webhook body signed as Meta signs it (hex HMAC of the bytes)."""
    raw = json.dumps(body, ensure_ascii=False).encode()
    secret = CHANNEL_SECRETS["SIAGA_WHATSAPP_APP_SECRET"].encode()
    signature = "sha256=" + hmac.new(secret, raw, hashlib.sha256).hexdigest()
    request = urllib.request.Request(  # noqa: S310 (loopback test server)
        f"{base}/hooks/whatsapp",
        data=raw,
        method="POST",
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature},
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        return int(response.status)


def clean_env(folder: Path, **extra: str) -> dict[str, str]:
    """The environment of a fresh server: none of ours inherited, its own database
    file and port, the test channel secrets."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SIAGA_", "DATABASE"))
    }
    return env | {
        "SIAGA_SQLITE_PATH": str(folder / "siaga.sqlite3"),
        "PORT": str(free_port()),
        **CHANNEL_SECRETS,
        **extra,
    }


@contextlib.contextmanager
def fresh_server(folder: Path, **extra: str) -> Iterator[tuple[str, dict[str, str]]]:
    """What `make demo` runs: migrate, the Tangerang data set, the demo accounts, and
    `siaga serve` on a free loopback port, stopped on exit."""
    env = clean_env(folder, **extra)
    siaga(env, "migrate", "--noinput")
    siaga(env, "load-dataset", "tangerang")
    siaga(env, "load-demo-accounts")
    server = subprocess.Popen(  # noqa: S603 (our own command)
        [sys.executable, "-m", "siaga.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        wait_until_up(base)
        yield base, env
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="session")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, dict[str, str]]]:
    if os.environ.get("DATABASE_URL"):
        pytest.skip("the demo runs on embedded SQLite; the SQLite run covers it")
    with fresh_server(tmp_path_factory.mktemp("demo")) as served:
        yield served


def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("siaga serve did not come up")


def call_api(base: str, token: str, method: str, path: str, body: object = None) -> Any:
    """One JSON API call over real HTTP with a bearer token."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 (loopback test server)
        f"{base}{path}",
        data=data,
        method=method,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        return json.loads(response.read() or b"null")


class LiveFeed:
    """A console's SSE connection; a thread reads its lines so tests can wait with a
    deadline."""

    def __init__(self, base: str, token: str, last_event_id: int | None = None) -> None:
        host, port = urllib.parse.urlsplit(base).netloc.split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=60)
        headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.connection.request("GET", "/live/events", headers=headers)
        self.response = self.connection.getresponse()
        assert self.response.status == 200, self.response.read()
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        # Closing the connection under the reader ends it with one of these.
        with contextlib.suppress(
            OSError, ValueError, AttributeError, http.client.HTTPException
        ):
            for raw in self.response:
                self.lines.put(raw.decode().rstrip("\n"))

    def events(
        self, count: int, seconds: float = 10
    ) -> list[tuple[int, dict[str, Any]]]:
        """The next `count` events (id, data); fewer if the deadline passes first."""
        found: list[tuple[int, dict[str, Any]]] = []
        deadline = time.monotonic() + seconds
        event_id: int | None = None
        while len(found) < count:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line.startswith("id: "):
                event_id = int(line[4:])
            elif line.startswith("data: ") and event_id is not None:
                found.append((event_id, json.loads(line[6:])))
                event_id = None
        return found

    def units(self, count: int, seconds: float = 10) -> list[dict[str, Any]]:
        """The next `count` unit moves (messages of type `units`, which carry no id);
        other messages are skipped."""
        found: list[dict[str, Any]] = []
        deadline = time.monotonic() + seconds
        kind = ""
        while len(found) < count:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "units":
                found.append(json.loads(line[6:]))
            elif not line:
                kind = ""
        return found

    def close(self) -> None:
        """Cut the connection mid-stream, as a dying network would."""
        if self.connection.sock is not None:
            self.connection.sock.shutdown(socket.SHUT_RDWR)
        self.connection.close()
