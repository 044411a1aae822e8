"""The report's tables for spreadsheets: an XLSX workbook (one sheet per table) and one
long CSV (`tabel,kunci,label,ukuran,nilai`, a line per figure)."""

from __future__ import annotations

import csv
from io import BytesIO, StringIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from siaga.stats.report.content import Report, Table, tables

CSV_HEADER = ("tabel", "kunci", "label", "ukuran", "nilai")


def add_sheet(book: Workbook, table: Table) -> None:
    """Header row in bold, then one row per figure: key, label, values."""
    sheet: Worksheet = book.create_sheet(
        table.sheet[:31]
    )  # Excel's limit on a sheet name
    sheet.append(
        [_("Kode"), table.label_header, *(title for _k, title in table.columns)]
    )
    for row in table.rows:
        sheet.append([row.key, row.label, *row.values])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 48


def workbook(report: Report) -> bytes:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]  # a new book has one sheet
    for table in tables(report):
        add_sheet(book, table)
    book.properties.title = report.title
    book.properties.creator = f"{report.city} Siaga 112".strip()
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def long_csv(report: Report) -> bytes:
    """Every figure on a line of its own; an absent figure (no case) is empty."""
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for table in tables(report):
        for row in table.rows:
            for (column, _title), value in zip(table.columns, row.values, strict=True):
                writer.writerow(
                    (
                        table.key,
                        row.key,
                        row.label,
                        column,
                        "" if value is None else value,
                    )
                )
    return out.getvalue().encode("utf-8")
