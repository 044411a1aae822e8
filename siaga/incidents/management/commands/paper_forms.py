"""`siaga paper-forms --count 30 [--days 2] --to forms.pdf`: set incident numbers aside
for paper forms and print them."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from siaga.incidents.actions import reserve_paper_numbers
from siaga.incidents.paper import forms_pdf
from siaga.lib.errors import ActionError


class Command(BaseCommand):
    help = (
        "Set COUNT of each day's incident numbers aside for the paper fallback (the "
        "system's numbers continue after them) and write the forms as a PDF."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--count", type=int, default=30, help="forms per day")
        parser.add_argument("--day", type=date.fromisoformat, help="first day (today)")
        parser.add_argument("--days", type=int, default=1, help="how many days (1–7)")
        parser.add_argument("--to", type=Path, required=True, help="the PDF to write")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["days"] <= 7:
            raise CommandError("--days: 1 to 7")
        first = options["day"] or timezone.localdate()
        try:
            blocks = [
                reserve_paper_numbers(
                    day=first + timedelta(days=n), count=options["count"], actor=None
                )
                for n in range(options["days"])
            ]
        except ActionError as error:
            raise CommandError(error.message) from None
        options["to"].write_bytes(forms_pdf(blocks))
        for block in blocks:
            self.stdout.write(f"{block}: {block.count} forms")
        self.stdout.write(f"written to {options['to']}")
