"""`siaga report monthly --month 2026-11 [--opd DAMKAR] [--out DIR]`: write the monthly
report (PDF, XLSX, CSV) and the month's open data, and print the files' paths.

1. Read the month (WIB) and the agency, if one; refuse either when unknown.
2. Count and time the month once (siaga.stats.report.monthly_report).
3. Write the four files into DIR (made if missing), each replacing any of its name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from siaga.agencies.models import Agency
from siaga.lib.errors import ActionError
from siaga.stats.period import Period
from siaga.stats.report import monthly_files


def month_of(text: str) -> Period:
    try:
        return Period.month(text)
    except ActionError:
        raise CommandError(
            f"--month {text[:20]!r}: give a month like 2026-11"
        ) from None


def agency_of(code: str) -> Agency | None:
    if not code:
        return None
    found = Agency.objects.filter(code=code.upper()).first()
    if found is None:
        known = ", ".join(
            Agency.objects.order_by("code").values_list("code", flat=True)
        )
        raise CommandError(f"--opd {code[:40]!r}: no such agency (known: {known})")
    return found


class Command(BaseCommand):
    help = "Write the monthly report (PDF, XLSX, CSV) and the month's open data (CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["monthly"], help="the report: monthly")
        parser.add_argument("--month", required=True, help="the month, e.g. 2026-11")
        parser.add_argument("--opd", default="", help="one agency's code, e.g. DAMKAR")
        parser.add_argument("--out", default=".", help="the directory to write to")

    def handle(self, *args: Any, **options: Any) -> None:
        period = month_of(options["month"])
        agency = agency_of(options["opd"])
        files = monthly_files(period, agency)
        out = Path(options["out"])
        try:
            out.mkdir(parents=True, exist_ok=True)
            for report_file in files:
                (out / report_file.name).write_bytes(report_file.content)
        except OSError as error:
            raise CommandError(f"cannot write to {out}: {error.strerror}") from None
        for report_file in files:
            self.stdout.write(str(out / report_file.name))
