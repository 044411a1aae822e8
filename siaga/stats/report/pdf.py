"""The bulletin: an A4 PDF laid out with reportlab's platypus, charts from charts.py.

Text is set in DejaVu Sans, the font matplotlib ships (and draws the charts in), so
arrows and dashes print and the PDF's text can be searched and extracted."""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch, mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as Grid

from siaga.lib.fields import WIB
from siaga.stats.report.charts import Chart, hour_bars, ranked_bars
from siaga.stats.report.content import Report, Table, Value, tables

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
LIGHT_GREY, MID_GREY = colors.HexColor("#e0e0e0"), colors.HexColor("#9e9e9e")
TEXT_WIDTH = A4[0] - 40 * mm

BODY = ParagraphStyle("body", fontName=FONT, fontSize=9, leading=12)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7.5, leading=10)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8, leading=10)
HEADER = ParagraphStyle("header", parent=CELL, fontName=BOLD)
HEADER_RIGHT = ParagraphStyle("header_right", parent=HEADER, alignment=TA_RIGHT)
TITLE = ParagraphStyle("title", parent=BODY, fontName=BOLD, fontSize=14, leading=18)
HEADING = ParagraphStyle(
    "heading", parent=BODY, fontName=BOLD, fontSize=11, leading=14, spaceBefore=10
)
FIGURE = ParagraphStyle(
    "figure", parent=BODY, fontName=BOLD, fontSize=20, leading=24, alignment=1
)


def register_fonts() -> None:
    """DejaVu Sans from matplotlib's data; registering again is harmless."""
    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(fonts / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD)


def shown(value: Value) -> str:
    """A cell as people read it: 1.234 and 50,0 in Bahasa Indonesia; "–" for none."""
    if value is None:
        return "–"
    if isinstance(value, bool | str):
        return str(value)
    if isinstance(value, float):
        return formats.number_format(value, decimal_pos=1, force_grouping=True)
    return formats.number_format(value, force_grouping=True)


def grid(table: Table) -> Grid:
    """The table as printed: a grey bold header, labels that wrap, figures right."""
    header = [
        Paragraph(escape(table.label_header), HEADER),
        *(Paragraph(escape(title), HEADER_RIGHT) for _key, title in table.columns),
    ]
    body = [
        [Paragraph(escape(row.label), CELL), *(shown(v) for v in row.values)]
        for row in table.rows
    ] or [["–", *("" for _ in table.columns)]]
    n = len(table.columns)
    figures_width = min(0.5, 0.17 * n) * TEXT_WIDTH
    widths = [TEXT_WIDTH - figures_width, *[figures_width / n] * n]
    printed = Grid([header, *body], colWidths=widths, repeatRows=1)
    printed.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), BOLD, 8),
                ("FONT", (0, 1), (-1, -1), FONT, 8),
                ("BACKGROUND", (0, 0), (-1, 0), LIGHT_GREY),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, MID_GREY),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return printed


def picture(chart: Chart) -> Image:
    scale = min(1.0, TEXT_WIDTH / (chart.width * inch))
    return Image(
        BytesIO(chart.png),
        width=chart.width * inch * scale,
        height=chart.height * inch * scale,
    )


def section(table: Table, chart: Chart | None = None) -> list[Flowable]:
    """A table under its heading, or under its chart (which carries the title)."""
    if chart is None:
        heading = Paragraph(escape(table.title), HEADING)
        return [KeepTogether([heading, Spacer(1, 2 * mm), grid(table)])]
    top = Spacer(1, 4 * mm)
    return [KeepTogether([top, picture(chart), Spacer(1, 2 * mm), grid(table)])]


def ranked_chart(table: Table, value_label: str) -> Chart:
    found = [(row.label, int(row.values[0] or 0)) for row in table.rows]
    return ranked_bars(table.title, found, value_label, _("Tidak ada data bulan ini"))


def totals(report: Report) -> Grid:
    """The three figures a reader looks for first, big."""
    figures = [
        (report.counts.contacts, _("kontak")),
        (report.counts.incidents, _("insiden")),
        (report.timings.abandoned_calls, _("panggilan tak terjawab")),
    ]
    cells = [
        [Paragraph(shown(n), FIGURE), Paragraph(escape(label), CELL)]
        for n, label in figures
    ]
    printed = Grid([cells], colWidths=[TEXT_WIDTH / 3] * 3)
    printed.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, MID_GREY),
                ("INNERGRID", (0, 0), (-1, -1), 0.6, MID_GREY),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ]
        )
    )
    return printed


def biggest_category(report: Report) -> str:
    """ "Kebakaran terbanyak: 12 insiden (40,0 % dari semua insiden)." """
    found = report.counts.by_category
    if not found:
        return _("Tidak ada insiden pada bulan ini.")
    code, n = next(iter(found.items()))
    share = 100 * n / max(report.counts.incidents, 1)
    return _(
        "%(category)s terbanyak: %(n)s insiden (%(share)s %% dari semua insiden)."
    ) % {
        "category": report.category_names.get(code, code),
        "n": shown(n),
        "share": shown(round(share, 1)),
    }


def answered_in_time(report: Report) -> str:
    shares = report.timings.answered_within
    if all(share is None for share in shares.values()):
        return _("Tidak ada panggilan yang dijawab pada bulan ini.")
    within = {
        limit: shown(round((share or 0) * 100, 1)) for limit, share in shares.items()
    }
    return _(
        "Panggilan dijawab dalam 15 detik: %(p15)s %% (standar NENA 90 %%); "
        "dalam 20 detik: %(p20)s %% (standar NENA 95 %%)."
    ) % {"p15": within.get(15, "–"), "p20": within.get(20, "–")}


def opening(report: Report, made_at: datetime) -> list[Flowable]:
    first, last = report.period.start.date(), report.period.last_day()
    facts = _(
        "Periode %(first)s–%(last)s (WIB) · Cakupan: %(scope)s · Dibuat %(made)s WIB"
    ) % {
        "first": first.day,
        "last": f"{last.day} {report.month_name}",
        "scope": report.scope_label,
        "made": made_at.astimezone(WIB).strftime("%d-%m-%Y %H.%M"),
    }
    return [
        Paragraph(escape(report.title), TITLE),
        Paragraph(escape(facts), SMALL),
        Spacer(1, 5 * mm),
        totals(report),
        Spacer(1, 4 * mm),
        Paragraph(escape(biggest_category(report)), BODY),
        Paragraph(escape(answered_in_time(report)), BODY),
    ]


def closing_notes() -> list[Flowable]:
    notes = [
        _("Semua waktu dalam WIB (Asia/Jakarta)."),
        _(
            "Insiden yang digabungkan ke insiden lain tidak dihitung. Laporan satu OPD "
            "memuat insiden yang ditugaskan ke OPD itu beserta kontaknya."
        ),
        _(
            "Median dan p90 (persentil ke-90) dalam detik, dihitung dengan interpolasi "
            "linear. Standar NENA: 90 % panggilan dijawab dalam 15 detik dan 95 % "
            "dalam 20 detik."
        ),
    ]
    heading: list[Flowable] = [Paragraph(escape(_("Catatan")), HEADING)]
    return heading + [Paragraph(escape(note), SMALL) for note in notes]


def body(report: Report) -> list[Flowable]:
    """The sections in order, each table under its chart where it has one."""
    per_table = {table.key: table for table in tables(report)}
    incidents, contacts = _("Jumlah insiden"), _("Jumlah kontak")
    hourly = hour_bars(
        _("Kontak per jam (WIB)"), report.counts.contacts_by_hour, contacts, _("Jam")
    )
    return [
        *section(per_table["kategori"], ranked_chart(per_table["kategori"], incidents)),
        *section(
            per_table["klasifikasi"], ranked_chart(per_table["klasifikasi"], contacts)
        ),
        *section(per_table["kanal"], ranked_chart(per_table["kanal"], contacts)),
        *section(per_table["opd"]),
        *section(per_table["kecamatan"]),
        Spacer(1, 4 * mm),
        picture(hourly),
        *section(per_table["waktu_tanggap"]),
        *section(per_table["standar_nena"]),
        *closing_notes(),
    ]


def bulletin(report: Report, made_at: datetime) -> bytes:
    """The whole bulletin as PDF bytes."""
    register_fonts()
    out = BytesIO()
    footer = f"{report.title} · {report.scope_label}"

    def number_page(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.setFont(FONT, 7)
        canvas.setFillColor(colors.black)
        page = _("halaman %(n)s") % {"n": canvas.getPageNumber()}
        canvas.drawString(20 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, page)

    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=report.title,
        author=f"{report.city} Siaga 112".strip(),
        lang="id",
    )
    flowables = opening(report, made_at) + body(report)
    document.build(flowables, onFirstPage=number_page, onLaterPages=number_page)
    return out.getvalue()
