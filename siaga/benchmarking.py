"""Shared by the scripts in bench/: a throwaway database with the Tangerang data set,
and rewriting one section of docs/benchmarks.md without touching the others."""

from __future__ import annotations

import os
import platform
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "docs" / "benchmarks.md"


def set_up_django(folder: Path, database_url: str = "") -> None:
    """Settings for a throwaway SQLite file in `folder` (or the throwaway database at
    `database_url`), then migrate and load Tangerang."""
    for name in list(os.environ):
        if name.startswith(("SIAGA_", "DATABASE_URL", "DEBUG")):
            del os.environ[name]
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["SIAGA_SQLITE_PATH"] = str(folder / "siaga.sqlite3")
    os.environ["DEBUG"] = "false"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from siaga.datasets.loader import load_dataset, read_dataset

    load_dataset(read_dataset("tangerang"), actor=None)


def machine() -> str:
    return (
        f"Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs (a shared VM: speeds vary between runs)"
    )


def replace_section(document: str, section: str, heading: str) -> str:
    """`document` with its `heading` section replaced by `section`, or appended."""
    lines = document.splitlines(keepends=True)
    start = next((i for i, x in enumerate(lines) if x.rstrip() == heading), None)
    if start is None:
        return document.rstrip("\n") + "\n\n" + section
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
        len(lines),
    )
    tail = "".join(lines[end:])
    return "".join(lines[:start]) + section + ("\n" + tail if tail else "")


def write_section(section: str, heading: str) -> None:
    BENCHMARKS.write_text(
        replace_section(BENCHMARKS.read_text(encoding="utf-8"), section, heading),
        encoding="utf-8",
    )
