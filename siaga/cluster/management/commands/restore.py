"""`siaga restore --from FILE --yes`: put a backup back, replacing every row."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from siaga.cluster.backup import BackupFailed, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `siaga backup`, replacing the database's contents. "
        "Stop the servers first; on PostgreSQL it runs in one transaction."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--from", dest="source", type=Path, required=True)
        parser.add_argument("--yes", action="store_true", help="yes, replace the data")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("this replaces every row of the database: add --yes")
        try:
            restore(options["source"])
        except BackupFailed as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"restored from {options['source']}")
