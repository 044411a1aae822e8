"""A real server for end-to-end tests: what `make demo` runs, on a fresh SQLite file.

The `demo` fixture migrates, loads the Tangerang data set and the demo accounts, and
serves under uvicorn on a free loopback port, once per test session.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def siaga(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "siaga.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    return result.stdout


@pytest.fixture(scope="session")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, dict[str, str]]]:
    if os.environ.get("DATABASE_URL"):
        pytest.skip("the demo runs on embedded SQLite; the SQLite run covers it")
    folder = tmp_path_factory.mktemp("demo")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SIAGA_", "DATABASE"))
    }
    env |= {
        "SIAGA_SQLITE_PATH": str(folder / "siaga.sqlite3"),
        "PORT": str(free_port()),
    }
    siaga(env, "migrate", "--noinput")
    siaga(env, "load-dataset", "tangerang")
    siaga(env, "load-demo-accounts")
    server = subprocess.Popen(
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


def wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("siaga serve did not come up")
