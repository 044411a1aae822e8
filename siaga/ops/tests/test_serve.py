"""The demo path end to end: migrate, load, serve under uvicorn, sign in over HTTP.

This is what `make demo` runs, against a fresh SQLite file in a temporary folder.
"""

from __future__ import annotations

import http.cookiejar
import re
import sqlite3
import urllib.parse
import urllib.request

from siaga.testing_server import siaga


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
    assert users == 23  # one per role and team agency, a crew per agency with units
