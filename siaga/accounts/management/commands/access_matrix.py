"""`siaga access-matrix [--write]`: who may use which URL, role by role, in Markdown."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from siaga.accounts.matrix import as_markdown


class Command(BaseCommand):
    help = (
        "Print the access matrix (role × URL); --write updates docs/access-matrix.md."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--write", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        table = as_markdown()
        if not options["write"]:
            self.stdout.write(table, ending="")
            return
        target = Path(settings.BASE_DIR, "docs", "access-matrix.md")
        target.write_text(table, encoding="utf-8")
        self.stdout.write(f"wrote {target}")
