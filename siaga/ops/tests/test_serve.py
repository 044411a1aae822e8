"""The demo path end to end: migrate, load, serve under uvicorn, sign in over HTTP.

This is what `make demo` runs, against a fresh SQLite file in a temporary folder.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
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


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, dict[str, str]]]:
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


def test_the_demo_serves_a_login_page_in_bahasa(
    demo: tuple[str, dict[str, str]],
) -> None:
    base, _ = demo
    with urllib.request.urlopen(f"{base}/akun/masuk/", timeout=10) as response:  # noqa: S310
        page = response.read().decode()

    assert "Masuk ke Siaga112" in page
    with urllib.request.urlopen(f"{base}/static/siaga/siaga.css", timeout=10) as css:  # noqa: S310
        assert css.status == 200


def test_a_demo_account_signs_in(demo: tuple[str, dict[str, str]]) -> None:
    base, _ = demo
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = browser.open(f"{base}/akun/masuk/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login)
    assert token is not None
    form = {
        "csrfmiddlewaretoken": token.group(1),
        "username": "telepon",
        "password": "siaga112-demo",
    }

    response = browser.open(
        f"{base}/akun/masuk/", urllib.parse.urlencode(form).encode(), timeout=10
    )

    assert response.url.endswith("/insiden/")
    assert "Operator Telepon (demo)" in response.read().decode()


def test_rerunning_the_demo_keeps_existing_data(
    demo: tuple[str, dict[str, str]],
) -> None:
    _, env = demo
    siaga(env, "migrate", "--noinput")
    out = siaga(env, "load-dataset", "tangerang")
    siaga(env, "load-demo-accounts")

    assert "created nothing" in out
    database = sqlite3.connect(env["SIAGA_SQLITE_PATH"])
    try:
        (mode,) = database.execute("PRAGMA journal_mode").fetchone()
        (users,) = database.execute("SELECT count(*) FROM accounts_user").fetchone()
    finally:
        database.close()
    assert mode == "wal"
    assert users == 13
