"""The monthly report of a known month (see month.py): the bulletin prints, the workbook
and the CSV hold the same totals as the dashboard, the open data holds nobody's
personal data, an agency gets its own, and every role without statistics is refused."""

from __future__ import annotations

import csv
from datetime import datetime
from io import BytesIO, StringIO
from pathlib import Path

import pypdfium2
import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

from siaga.accounts.models import User
from siaga.accounts.roles import AGENCY_ROLES, Role
from siaga.agencies.models import Agency
from siaga.incidents.models import Incident
from siaga.lib.fields import WIB
from siaga.stats.figures import counts
from siaga.stats.report import monthly_files, report_file
from siaga.stats.report.content import monthly_report
from siaga.stats.report.open_data import COLUMNS, incidents_csv
from siaga.stats.report.pdf import bulletin
from siaga.stats.report.sheets import long_csv, workbook
from siaga.stats.tests.month import NOVEMBER
from siaga.testing import make_user, page_client

TITLE = "Laporan Bulanan Tangerang Siaga 112 — November 2026"
MADE_AT = datetime(2026, 12, 1, 9, 0, tzinfo=WIB)
SHEETS = [
    "Ringkasan",
    "Kategori",
    "Klasifikasi",
    "Kanal",
    "OPD",
    "Kecamatan",
    "Jam",
    "Waktu tanggap",
    "Standar NENA",
]
URLS = {
    "/statistik/laporan/2026-11.pdf": "application/pdf",
    "/statistik/laporan/2026-11.xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "/statistik/laporan/2026-11.csv": "text/csv; charset=utf-8",
    "/statistik/data-terbuka/2026-11.csv": "text/csv; charset=utf-8",
}


def pdf_pages(content: bytes) -> list[tuple[str, float]]:
    """Each page's text and its share of pixels that are not white (greyscale)."""
    document = pypdfium2.PdfDocument(content)
    pages = []
    for page in document:
        text = page.get_textpage().get_text_range()
        image = page.render(scale=1).to_pil().convert("L")
        histogram = image.histogram()
        inked = sum(histogram[:240]) / sum(histogram)
        pages.append((text, inked))
    return pages


def sheet_rows(content: bytes, name: str) -> dict[str, list[object]]:
    """A sheet's rows by their key (column A), the header left out."""
    sheet = load_workbook(BytesIO(content))[name]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    return {str(row[0]): list(row[2:]) for row in rows}


def csv_figures(content: bytes, table: str) -> dict[str, str]:
    lines = csv.DictReader(StringIO(content.decode("utf-8")))
    return {line["kunci"]: line["nilai"] for line in lines if line["tabel"] == table}


def open_data_lines(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(StringIO(content.decode("utf-8"))))


def test_the_bulletin_prints_the_month_its_totals_and_its_charts(
    november: dict[str, Incident],
) -> None:
    content = bulletin(monthly_report(NOVEMBER), made_at=MADE_AT)

    pages = pdf_pages(content)
    first_text, first_ink = pages[0]
    text = " ".join(" ".join(page_text.split()) for page_text, _ in pages)
    assert content.startswith(b"%PDF")
    assert TITLE in " ".join(first_text.split())
    assert first_ink > 0.03  # the totals, and the first charts: not a blank page
    assert "7 kontak" in text and "3 insiden" in text
    assert "1 panggilan tak terjawab" in text
    assert "terbanyak" in text and "Kebakaran" in text
    assert "standar NENA 90 %" in text
    document = pypdfium2.PdfDocument(content)
    images = sum(
        len(list(page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE])))
        for page in document
    )
    assert images >= 4  # categories, classifications, channels, hour of day


def test_the_city_comes_from_the_settings_or_the_home_area(
    november: dict[str, Incident], settings: Settings
) -> None:
    assert monthly_report(NOVEMBER).title == TITLE  # "Kota Tangerang", the home area

    settings.SIAGA_CITY_NAME = "Tangerang Selatan"

    assert monthly_report(NOVEMBER).title.startswith(
        "Laporan Bulanan Tangerang Selatan Siaga 112"
    )


def test_the_workbook_holds_the_dashboards_totals(
    november: dict[str, Incident],
) -> None:
    month = counts(NOVEMBER)

    content = workbook(monthly_report(NOVEMBER))

    book = load_workbook(BytesIO(content))
    assert book.sheetnames == SHEETS
    assert all(book[name]["A1"].font.bold for name in SHEETS)
    summary = sheet_rows(content, "Ringkasan")
    assert summary["kontak"] == [month.contacts]
    assert summary["insiden"] == [month.incidents]
    assert summary["panggilan_tak_terjawab"] == [1]
    categories = sheet_rows(content, "Kategori")
    assert {code: n for code, (n,) in categories.items()} == month.by_category
    channels = sheet_rows(content, "Kanal")
    assert {code: n for code, (n,) in channels.items()} == month.by_channel
    hours = sheet_rows(content, "Jam")
    assert [contacts for contacts, _ in hours.values()] == month.contacts_by_hour


def test_the_csv_holds_the_same_totals(november: dict[str, Incident]) -> None:
    month = counts(NOVEMBER)

    content = long_csv(monthly_report(NOVEMBER))

    assert content.decode("utf-8").splitlines()[0] == "tabel,kunci,label,ukuran,nilai"
    summary = csv_figures(content, "ringkasan")
    assert summary["kontak"] == str(month.contacts)
    assert summary["insiden"] == str(month.incidents)
    assert summary["periode"] == "2026-11"
    classifications = csv_figures(content, "klasifikasi")
    assert {k: int(n) for k, n in classifications.items()} == month.by_classification
    assert set(csv_figures(content, "standar_nena")) == {
        "dijawab_dalam_15_detik",
        "dijawab_dalam_20_detik",
    }


def test_the_open_data_has_one_line_per_incident_and_nobodys_data(
    november: dict[str, Incident],
) -> None:
    Incident.objects.filter(pk=november["fire"].pk).update(
        description="Rumah Bu Sari terbakar, dua anak di dalam",
        address="Jl. Melati No. 7 RT 03/RW 05",
    )

    content = incidents_csv(NOVEMBER)

    lines = open_data_lines(content)
    text = content.decode("utf-8")
    assert tuple(lines[0]) == COLUMNS
    assert [line["nomor"] for line in lines] == [
        november[name].number for name in ("fire", "sick", "tree")
    ]
    assert [line["kategori"] for line in lines] == [
        "kebakaran",
        "medis",
        "pohon-tumbang",
    ]
    assert lines[0]["opd"] == "DAMKAR;POLRES"
    assert (lines[0]["tanggal"], lines[0]["jam"]) == ("2026-11-02", "8")  # WIB
    assert "0812000" not in text and "81200000" not in text  # callers' numbers
    assert "Bu Sari" not in text and "Melati" not in text
    assert "-6.17" not in text and "106.63" not in text  # the incidents' coordinates


def test_merged_incidents_are_not_open_data(november: dict[str, Incident]) -> None:
    Incident.objects.filter(pk=november["tree"].pk).update(
        status="merged", merged_into=november["fire"]
    )

    lines = open_data_lines(incidents_csv(NOVEMBER))

    assert november["tree"].number not in {line["nomor"] for line in lines}


def test_an_agencys_report_holds_only_its_own_incidents(
    november: dict[str, Incident],
) -> None:
    damkar = Agency.objects.get(code="DAMKAR")

    report = monthly_report(NOVEMBER, damkar)
    lines = open_data_lines(incidents_csv(NOVEMBER, damkar))

    assert [line["nomor"] for line in lines] == [november["fire"].number]
    assert csv_figures(long_csv(report), "kategori") == {"kebakaran": "1"}
    assert sheet_rows(workbook(report), "Ringkasan")["insiden"] == [1]
    text = " ".join(page for page, _ in pdf_pages(bulletin(report, made_at=MADE_AT)))
    assert "DAMKAR" in text and "Pohon tumbang" not in text


def test_the_command_writes_the_four_files(
    november: dict[str, Incident], tmp_path: Path
) -> None:
    printed = StringIO()

    call_command(
        "report", "monthly", month="2026-11", out=str(tmp_path), stdout=printed
    )

    names = [
        "laporan-2026-11.pdf",
        "laporan-2026-11.xlsx",
        "laporan-2026-11.csv",
        "data-terbuka-2026-11.csv",
    ]
    assert printed.getvalue().split() == [str(tmp_path / name) for name in names]
    assert all((tmp_path / name).stat().st_size > 0 for name in names)
    assert (tmp_path / "laporan-2026-11.pdf").read_bytes().startswith(b"%PDF")


def test_the_command_writes_an_agencys_files_under_its_code(
    november: dict[str, Incident], tmp_path: Path
) -> None:
    call_command(
        "report",
        "monthly",
        month="2026-11",
        opd="damkar",
        out=str(tmp_path),
        stdout=StringIO(),
    )

    lines = open_data_lines((tmp_path / "data-terbuka-2026-11-damkar.csv").read_bytes())
    assert [line["nomor"] for line in lines] == [november["fire"].number]
    assert (tmp_path / "laporan-2026-11-damkar.pdf").exists()


@pytest.mark.parametrize(
    "options",
    [{"month": "2026-13"}, {"month": "November"}, {"month": "2026-11", "opd": "X"}],
)
def test_the_command_refuses_a_bad_month_or_agency(
    db: None, tmp_path: Path, options: dict[str, str]
) -> None:
    with pytest.raises(CommandError):
        call_command("report", "monthly", out=str(tmp_path), **options)
    assert list(tmp_path.iterdir()) == []


def test_the_supervisor_downloads_every_file(
    november: dict[str, Incident], supervisor: User
) -> None:
    client = page_client(supervisor)

    for url, content_type in URLS.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"] == content_type, url
        assert response["Content-Disposition"].startswith("attachment"), url
    opened = client.get("/statistik/data-terbuka/2026-11.csv?opd=DINKES")
    assert [line["nomor"] for line in open_data_lines(opened.content)] == [
        november["sick"].number
    ]


def test_an_agency_operator_downloads_its_own_agencys_files_only(
    november: dict[str, Incident], damkar_operator: User
) -> None:
    client = page_client(damkar_operator)

    for url, content_type in URLS.items():
        response = client.get(f"{url}?opd=DINKES")
        assert response.status_code == 200, url
        assert response["Content-Type"] == content_type, url
    opened = client.get("/statistik/data-terbuka/2026-11.csv?opd=DINKES")
    assert [line["nomor"] for line in open_data_lines(opened.content)] == [
        november["fire"].number
    ]
    figures = client.get("/statistik/laporan/2026-11.csv?opd=DINKES").content
    assert csv_figures(figures, "ringkasan")["cakupan"] == "DAMKAR"


def test_the_dashboard_offers_the_months_files(
    november: dict[str, Incident], supervisor: User
) -> None:
    page = (
        page_client(supervisor)
        .get("/statistik/?dari=2026-11-01&sampai=2026-11-30&opd=DAMKAR")
        .content.decode()
    )

    assert "Unduh laporan bulanan" in page
    assert 'name="bulan" value="2026-11"' in page
    assert 'href="/statistik/laporan/2026-11.pdf?opd=DAMKAR"' in page
    assert 'href="/statistik/data-terbuka/2026-11.csv?opd=DAMKAR"' in page


def test_the_month_picker_leads_to_the_file(supervisor: User) -> None:
    client = page_client(supervisor)

    picked = client.get("/statistik/laporan/?bulan=2026-10&berkas=xlsx&opd=DAMKAR")
    opened = client.get("/statistik/laporan/?bulan=2026-10&berkas=data-terbuka")
    refused = client.get("/statistik/laporan/?bulan=Oktober&berkas=pdf", follow=True)

    assert picked["Location"] == "/statistik/laporan/2026-10.xlsx?opd=DAMKAR"
    assert opened["Location"] == "/statistik/data-terbuka/2026-10.csv"
    assert refused.status_code == 200
    assert "Bulan tidak dikenal" in refused.content.decode()


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/statistik/laporan/2026-13.pdf", 400),
        ("/statistik/laporan/kemarin.xlsx", 400),
        ("/statistik/laporan/2026-11-01.csv", 400),
        ("/statistik/data-terbuka/9999-01.csv", 400),
        ("/statistik/laporan/2026-11.docx", 404),
        ("/statistik/laporan/2026-11.data-terbuka", 404),
        ("/statistik/data-terbuka/2026-11.pdf", 404),
    ],
)
def test_a_malformed_month_or_format_is_explained_not_a_500(
    supervisor: User, url: str, status: int
) -> None:
    response = page_client(supervisor).get(url)

    assert response.status_code == status
    if status == 400:
        assert "2026-11" in response.content.decode()  # how to write a month


ALLOWED = {Role.SUPERVISOR, Role.ADMIN, Role.AGENCY_OPERATOR}


@pytest.mark.parametrize("role", sorted(set(Role.values) - ALLOWED))
def test_every_other_role_is_refused_the_files(db: None, role: str) -> None:
    user = make_user(f"u-{role}", role, "DAMKAR" if role in AGENCY_ROLES else "")
    client = page_client(user)

    for url in [*URLS, "/statistik/laporan/?bulan=2026-11&berkas=pdf"]:
        assert client.get(url).status_code == 403, url


def test_an_anonymous_visitor_is_sent_to_log_in(db: None) -> None:
    for url in URLS:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/akun/masuk/")


def test_every_kind_of_file_is_named_for_its_month(
    november: dict[str, Incident],
) -> None:
    names = [found.name for found in monthly_files(NOVEMBER)]

    assert names == [
        "laporan-2026-11.pdf",
        "laporan-2026-11.xlsx",
        "laporan-2026-11.csv",
        "data-terbuka-2026-11.csv",
    ]
    assert report_file("data-terbuka", NOVEMBER).content == incidents_csv(NOVEMBER)
