"""The paper fallback form: one A4 page per number set aside (`PaperBlock`), in Bahasa
Indonesia, with the categories and agencies of this city to tick, to fill in by hand
while no server answers and to enter afterwards with its printed number
(`open_incident(paper=…, opened_at=…)`, the API's `paper_number` and `opened_at`)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from siaga.agencies.models import Agency
from siaga.incidents.models import Category, PaperBlock
from siaga.stats.report.pdf import BOLD, FONT, register_fonts

WIDTH, HEIGHT = A4
MARGIN = 15 * mm
LINE = 8 * mm
FIELDS = [
    "Jam diterima (WIB)",
    "Kanal (telepon / SMS / WA / datang langsung)",
    "Nomor penelepon",
    "Nama pelapor",
    "Lokasi (alamat, patokan)",
    "Kelurahan / kecamatan",
]


def forms_pdf(blocks: Iterable[PaperBlock]) -> bytes:
    register_fonts()
    categories = list(Category.objects.filter(is_active=True).order_by("name"))
    agencies = list(Agency.objects.order_by("code").values_list("code", flat=True))
    out = io.BytesIO()
    pdf = Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle("Formulir darurat Siaga112 (cadangan kertas)")
    for block in blocks:
        for number in block.numbers():
            page(pdf, number, [c.name for c in categories], agencies)
            pdf.showPage()
    pdf.save()
    return out.getvalue()


def page(pdf: Canvas, number: str, categories: list[str], agencies: list[str]) -> None:
    y = HEIGHT - MARGIN
    pdf.setFont(BOLD, 14)
    pdf.drawString(MARGIN, y, "Formulir darurat 112 — cadangan kertas")
    pdf.setFont(BOLD, 18)
    pdf.drawRightString(WIDTH - MARGIN, y, number)
    y -= 6 * mm
    pdf.setFont(FONT, 8)
    pdf.drawString(
        MARGIN,
        y,
        "Dipakai saat server tidak menjawab. Masukkan ke sistem dengan nomor ini"
        " (Paper emergency form: enter it later under this number).",
    )
    y -= LINE
    for label in FIELDS:
        y = blank(pdf, label, y)
    y = ticks(pdf, "Kategori", categories, y, columns=3)
    y = blank(pdf, "Uraian kejadian", y, lines=3)
    y = blank(pdf, "Jumlah orang terdampak          Prioritas (1–5)", y)
    y = ticks(pdf, "OPD dihubungi (tulis jamnya)", agencies, y, columns=5)
    y = blank(pdf, "Petugas (nama, paraf)", y)
    blank(pdf, "Catatan; dimasukkan ke sistem oleh, jam", y, lines=2)


def blank(pdf: Canvas, label: str, y: float, lines: int = 1) -> float:
    pdf.setFont(FONT, 9)
    pdf.drawString(MARGIN, y, label)
    for _ in range(lines):
        y -= LINE
        pdf.line(MARGIN, y + 2 * mm, WIDTH - MARGIN, y + 2 * mm)
    return y - 3 * mm


def ticks(pdf: Canvas, label: str, names: list[str], y: float, columns: int) -> float:
    pdf.setFont(FONT, 9)
    pdf.drawString(MARGIN, y, label)
    y -= 6 * mm
    width = (WIDTH - 2 * MARGIN) / columns
    pdf.setFont(FONT, 8)
    for index, name in enumerate(names):
        x = MARGIN + (index % columns) * width
        pdf.rect(x, y - 0.5 * mm, 3 * mm, 3 * mm)
        pdf.drawString(x + 4.5 * mm, y, name[:40])
        if index % columns == columns - 1:
            y -= 5.5 * mm
    if len(names) % columns:
        y -= 5.5 * mm
    return y - 3 * mm
