"""Backups and restores of the whole database.

SQLite: SQLite's online backup API (a consistent copy while the server runs; the copy
is integrity-checked). PostgreSQL: `pg_dump --format=custom` of the primary, restored
with `pg_restore --clean --single-transaction` (all or nothing). For point-in-time
recovery on PostgreSQL take base backups and archive WAL as well (`siaga backup --base`,
docs/operations.md).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

from siaga.cluster.postgres import bindir


class BackupFailed(Exception):
    pass


def database() -> dict[str, Any]:
    return dict(settings.DATABASES["default"])


def is_sqlite() -> bool:
    return str(database()["ENGINE"]).endswith("sqlite3")


def backup(target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if is_sqlite():
        _copy_sqlite(Path(database()["NAME"]), target)
    else:
        _pg(
            "pg_dump",
            "--format=custom",
            "--no-owner",
            f"--file={target}",
            "--dbname",
            _conninfo(),
        )


def restore(source: Path) -> None:
    if not source.is_file():
        raise BackupFailed(f"{source}: no such backup")
    if is_sqlite():
        _check_sqlite(source)
        connections.close_all()
        _copy_sqlite(source, Path(database()["NAME"]))
    else:
        _pg("pg_restore", "--list", str(source))  # a readable archive, before anything
        connections.close_all()
        _pg(
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            _conninfo(),
            str(source),
        )


def base_backup(target: Path) -> None:
    """A physical copy of the primary (tar, compressed, with the WAL to make it
    consistent), the starting point for point-in-time recovery."""
    _pg(
        "pg_basebackup",
        "--dbname",
        _conninfo(),
        "-D",
        str(target),
        "-Ft",
        "-z",
        "-X",
        "stream",
        "-c",
        "fast",
    )


def _copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's backup API: page by page under SQLite's own locks, so a running
    server's writes are either wholly in the copy or not at all."""
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    _check_sqlite(target)


def _check_sqlite(path: Path) -> None:
    with sqlite3.connect(path) as db:
        try:
            found = db.execute("PRAGMA integrity_check").fetchone()
        except sqlite3.DatabaseError as error:
            raise BackupFailed(f"{path}: not a SQLite database ({error})") from None
    if found != ("ok",):
        raise BackupFailed(f"{path}: integrity check failed: {found}")


def _conninfo() -> str:
    """The app's own connection (both servers; libpq picks the primary), as a libpq
    string without the password (that goes through PGPASSWORD)."""
    db = database()
    options = db.get("OPTIONS", {})
    parts = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or "",
        "dbname": db["NAME"],
        "user": db["USER"] or "",
        "target_session_attrs": options.get("target_session_attrs", ""),
        "sslmode": options.get("sslmode", ""),
    }
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


def _pg(tool: str, *args: str) -> None:
    env = os.environ.copy()
    if database().get("PASSWORD"):
        env["PGPASSWORD"] = str(database()["PASSWORD"])
    result = subprocess.run(  # noqa: S603 (PostgreSQL's own program)
        [str(bindir() / tool), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if result.returncode != 0:
        raise BackupFailed(f"{tool} failed: {result.stderr.strip()[-800:]}")
