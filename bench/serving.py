"""A throwaway centre for the benchmarks that drive one over HTTP: embedded SQLite as
production runs it (DEBUG off, synchronous=FULL, so a 2xx means on disk), migrated,
with Tangerang, the demo accounts and a token for the integration `aplikasi` scoped to
submit reports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from live_latency import HOST, ROOT, free_port, siaga


def prepared(folder: Path, **extra: str) -> tuple[dict[str, str], int, str]:
    """(environment, port, token) of a centre set up in `folder`, not yet serving."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SIAGA_", "DATABASE_URL", "DEBUG"))
    }
    port = free_port()
    env |= {"SIAGA_SQLITE_PATH": str(folder / "siaga.sqlite3"), "PORT": str(port)}
    env |= {"DEBUG": "false", "ALLOWED_HOSTS": HOST, "SIAGA_SQLITE_SYNCHRONOUS": "FULL"}
    env |= extra
    siaga(env, "migrate", "--noinput")
    siaga(env, "load-dataset", "tangerang")
    siaga(env, "load-demo-accounts")
    token = siaga(
        env, "create-token", "--user", "aplikasi", "--scope", "submit_reports"
    ).strip()
    return env, port, token


def serve(env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    """`siaga serve` in the background, its output in folder/serve.log (the server
    holds its own copy of the file; ours closes at once)."""
    with (folder / "serve.log").open("w") as log:
        return subprocess.Popen(  # noqa: S603 (our own command)
            [sys.executable, "-m", "siaga.cli", "serve"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
