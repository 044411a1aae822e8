"""`siaga retention [--days N]`: blank contacts' personal data older than the retention
now (the worker does it hourly when SIAGA_RETENTION_DAYS is set)."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from siaga.intake.actions.retention import anonymize_old_contacts, retention_cutoff


class Command(BaseCommand):
    help = "Blank the personal data of contacts older than the retention period."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--days", type=int, help="override SIAGA_RETENTION_DAYS for this run"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1")
        cutoff = timezone.now() - timedelta(days=days) if days else retention_cutoff()
        if cutoff is None:
            raise CommandError("SIAGA_RETENTION_DAYS is 0 (keep for ever); use --days")
        done = anonymize_old_contacts(before=cutoff, actor=None)
        self.stdout.write(f"{done} contacts received before {cutoff:%Y-%m-%d} blanked")
