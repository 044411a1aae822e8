"""The monthly report: one month's figures (everything, or one agency's) as a PDF
bulletin, an XLSX workbook and a long CSV, and the month's incidents as open data.

`monthly_report()` (content.py) counts and times the month once; the writers (pdf.py,
sheets.py) only lay it out; open_data.py reads the incidents themselves. The command
`siaga report monthly` and the dashboard's downloads both go through `report_file()`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.text import slugify

from siaga.agencies.models import Agency
from siaga.stats.period import Period
from siaga.stats.report.content import Report, monthly_report
from siaga.stats.report.open_data import incidents_csv

CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_FORMATS = {"pdf": "application/pdf", "xlsx": XLSX, "csv": CSV}
OPEN_DATA = "data-terbuka"
KINDS = (*REPORT_FORMATS, OPEN_DATA)


@dataclass(frozen=True)
class ReportFile:
    name: str
    content_type: str
    content: bytes


def file_name(kind: str, period: Period, agency: Agency | None) -> str:
    """`laporan-2026-11.pdf`, `laporan-2026-11-damkar.xlsx`, `data-terbuka-2026-11.csv`
    (an agency's code in the name when the report is that agency's)."""
    stem = "laporan" if kind in REPORT_FORMATS else OPEN_DATA
    scope = f"-{slugify(agency.code)}" if agency is not None else ""
    extension = kind if kind in REPORT_FORMATS else "csv"
    return f"{stem}-{period.start:%Y-%m}{scope}.{extension}"


def laid_out(kind: str, report: Report) -> bytes:
    # Imported here: matplotlib and reportlab take a while to load, and a web
    # process should not pay for them until someone asks for a report.
    from siaga.stats.report.pdf import bulletin
    from siaga.stats.report.sheets import long_csv, workbook

    if kind == "pdf":
        return bulletin(report, made_at=timezone.now())
    if kind == "xlsx":
        return workbook(report)
    return long_csv(report)


def report_file(kind: str, period: Period, agency: Agency | None = None) -> ReportFile:
    """One file of `KINDS` (the report only counted when the file needs it)."""
    if kind == OPEN_DATA:
        content = incidents_csv(period, agency)
    else:
        content = laid_out(kind, monthly_report(period, agency))
    return ReportFile(
        file_name(kind, period, agency), REPORT_FORMATS.get(kind, CSV), content
    )


def monthly_files(period: Period, agency: Agency | None = None) -> list[ReportFile]:
    """All four files, the month counted once."""
    report = monthly_report(period, agency)
    files = [
        ReportFile(
            file_name(kind, period, agency), content_type, laid_out(kind, report)
        )
        for kind, content_type in REPORT_FORMATS.items()
    ]
    open_data = incidents_csv(period, agency)
    return [*files, ReportFile(file_name(OPEN_DATA, period, agency), CSV, open_data)]
