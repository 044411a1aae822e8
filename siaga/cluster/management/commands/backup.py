"""`siaga backup --to FILE`: a consistent copy of the whole database."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from siaga.cluster.backup import BackupFailed, backup, base_backup


class Command(BaseCommand):
    help = (
        "Back the database up while it runs: SQLite's online backup, or pg_dump of the "
        "primary (--base DIR: a PostgreSQL base backup for point-in-time recovery)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--to", type=Path, help="the backup file to write")
        parser.add_argument("--base", type=Path, help="PostgreSQL: base backup folder")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["to"] and not options["base"]:
            raise CommandError("say where: --to FILE (or --base DIR on PostgreSQL)")
        try:
            if options["to"]:
                backup(options["to"])
                self.stdout.write(f"backed up to {options['to']}")
            if options["base"]:
                base_backup(options["base"])
                self.stdout.write(f"base backup in {options['base']}")
        except BackupFailed as error:
            raise CommandError(str(error)) from None
