"""Settings come from the environment; unsafe production settings refuse to start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import (
    DEV_SECRET_KEY,
    postgres_database,
    refuse_unsafe_production,
    sqlite_database,
)

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "k3y-" + "x7Qp9Lm2Rt5Vb8Nc1Zs4Wd6Yf0Hg3Jk" * 2


def test_a_single_host_url_becomes_django_settings() -> None:
    db = postgres_database("postgresql://siaga:rahasia%40x@db.local:5433/siaga112")

    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"]) == ("db.local", "5433", "siaga112")
    assert (db["USER"], db["PASSWORD"]) == ("siaga", "rahasia@x")
    assert "target_session_attrs" not in db["OPTIONS"]


def test_a_multi_host_url_reaches_whichever_server_is_primary() -> None:
    db = postgres_database(
        "postgresql://siaga@primer:5432,cadangan:5432/siaga?sslmode=require"
    )

    assert db["HOST"] == "primer,cadangan"
    assert db["PORT"] == "5432,5432"
    assert db["OPTIONS"]["target_session_attrs"] == "read-write"
    assert db["OPTIONS"]["sslmode"] == "require"


def test_ipv6_hosts_keep_their_brackets_out() -> None:
    db = postgres_database("postgres://u@[::1]:5432,[fd00::2]:5432/siaga")
    assert db["HOST"] == "::1,fd00::2"


def test_an_unknown_scheme_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        postgres_database("mysql://u@h/db")


def test_sqlite_runs_in_wal_with_a_busy_timeout_and_immediate_transactions() -> None:
    db = sqlite_database(Path("siaga.sqlite3"))

    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert "busy_timeout" in db["OPTIONS"]["init_command"]


def production(**overrides: Any) -> dict[str, Any]:
    settings = {
        "DEBUG": False,
        "SECRET_KEY": GOOD_KEY,
        "ALLOWED_HOSTS": ["112.tangerangkota.go.id"],
        "DATABASES": {"default": {"ENGINE": "django.db.backends.postgresql"}},
    }
    return settings | overrides


@pytest.mark.parametrize(
    "overrides",
    [
        {"DEBUG": True},
        {"SECRET_KEY": DEV_SECRET_KEY},
        {"SECRET_KEY": "short"},
        {"ALLOWED_HOSTS": ["*"]},
        {"ALLOWED_HOSTS": []},
        {"DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3"}}},
    ],
)
def test_unsafe_production_settings_are_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(ImproperlyConfigured, match="Unsafe production settings"):
        refuse_unsafe_production(production(**overrides))


def test_safe_production_settings_pass() -> None:
    refuse_unsafe_production(production())


def run_check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("SIAGA_", "DATABASE"))
    }
    return subprocess.run(
        [sys.executable, "-m", "siaga.cli", "check"],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_server_refuses_to_start_with_demo_settings_in_production() -> None:
    result = run_check({"SIAGA_ENV": "production"})

    assert result.returncode != 0
    assert "Unsafe production settings" in result.stderr


def test_the_server_starts_with_safe_production_settings() -> None:
    result = run_check(
        {
            "SIAGA_ENV": "production",
            "SIAGA_SECRET_KEY": GOOD_KEY,
            "ALLOWED_HOSTS": "112.tangerangkota.go.id",
            "DATABASE_URL": "postgresql://siaga@127.0.0.1:5432,127.0.0.2:5432/siaga",
        }
    )

    assert result.returncode == 0, result.stderr


def test_env_example_documents_every_variable_the_settings_read() -> None:
    import re

    source = (ROOT / "config" / "settings.py").read_text()
    read = set(re.findall(r'env(?:_bool|_int|_list)?\(\s*"([A-Z_]+)"', source))
    documented = set(
        re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )

    assert read - documented == set()
