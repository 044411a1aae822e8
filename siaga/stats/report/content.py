"""What the monthly report says: one month's figures (everything, or one agency's),
gathered once and laid out as named tables that every file format shares."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from siaga.agencies.models import Agency
from siaga.areas.models import Area, AreaKind
from siaga.incidents.models import Category
from siaga.intake.models import Channel, Classification
from siaga.stats.figures import Counts, Timings, counts, timings
from siaga.stats.period import Period
from siaga.stats.sql import Spread

MONTHS = [
    gettext_lazy("Januari"),
    gettext_lazy("Februari"),
    gettext_lazy("Maret"),
    gettext_lazy("April"),
    gettext_lazy("Mei"),
    gettext_lazy("Juni"),
    gettext_lazy("Juli"),
    gettext_lazy("Agustus"),
    gettext_lazy("September"),
    gettext_lazy("Oktober"),
    gettext_lazy("November"),
    gettext_lazy("Desember"),
]
NENA_TARGETS = (90, 95)  # % of calls answered within 15 s and within 20 s
EVERYTHING = "semua"  # the scope's key when no agency is chosen

Value = int | float | str | None


@dataclass(frozen=True)
class Row:
    key: str  # stable, for machines: a category code, an agency code, "kontak"
    label: str  # for people, in the active language
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Table:
    """One table of the report: a PDF section, a workbook sheet, a run of CSV lines."""

    key: str  # the long CSV's `tabel`
    title: str
    sheet: str
    label_header: str
    columns: tuple[tuple[str, str], ...]  # (key for the CSV, header for people)
    rows: tuple[Row, ...]

    def value(self, key: str, column: int = 0) -> Value:
        """The value of one row (by key), or None when the row is absent."""
        found = [row.values[column] for row in self.rows if row.key == key]
        return found[0] if found else None


@dataclass(frozen=True)
class Report:
    """The figures of one month, for everything or for one agency."""

    period: Period
    agency: Agency | None
    city: str
    counts: Counts
    timings: Timings
    category_names: dict[str, str]
    agency_names: dict[str, str]

    @property
    def month_code(self) -> str:
        return self.period.start.strftime("%Y-%m")

    @property
    def month_name(self) -> str:
        return f"{MONTHS[self.period.start.month - 1]} {self.period.start.year}"

    @property
    def title(self) -> str:
        service = f"{self.city} Siaga 112".strip()
        return _("Laporan Bulanan %(service)s — %(month)s") % {
            "service": service,
            "month": self.month_name,
        }

    @property
    def scope_label(self) -> str:
        if self.agency is None:
            return _("Semua OPD")
        return f"{self.agency.code} · {self.agency.name}"


def city_name() -> str:
    """SIAGA_CITY_NAME when set; else the home area's name without "Kota"/"Kabupaten"
    ("Kota Tangerang" → "Tangerang", as in "Tangerang Siaga 112")."""
    configured = str(getattr(settings, "SIAGA_CITY_NAME", "") or "")
    if configured:
        return configured
    home = Area.objects.of_kind(AreaKind.HOME).values_list("name", flat=True).first()
    name = home or ""
    for prefix in ("Kota ", "Kabupaten "):
        name = name.removeprefix(prefix)
    return name


def monthly_report(period: Period, agency: Agency | None = None) -> Report:
    """Count and time the period once; every file is laid out from this."""
    return Report(
        period=period,
        agency=agency,
        city=city_name(),
        counts=counts(period, agency),
        timings=timings(period, agency),
        category_names=dict(Category.objects.values_list("code", "name")),
        agency_names=dict(Agency.objects.values_list("code", "name")),
    )


def tables(report: Report) -> list[Table]:
    """Every table of the report, in the order the bulletin shows them."""
    month = report.counts
    by_category = (month.by_category, report.category_names)
    by_classification = (month.by_classification, choices(Classification))
    by_agency = (month.by_agency, report.agency_names)
    return [
        summary(report),
        counted("kategori", _("Insiden per kategori"), _("Kategori"), *by_category),
        counted(
            "klasifikasi",
            _("Kontak per klasifikasi"),
            _("Klasifikasi"),
            *by_classification,
        ),
        counted(
            "kanal",
            _("Kontak per kanal"),
            _("Kanal"),
            month.by_channel,
            choices(Channel),
        ),
        counted("opd", _("Insiden per OPD"), _("OPD"), *by_agency),
        counted(
            "kecamatan",
            _("Insiden per kecamatan"),
            _("Kecamatan"),
            month.by_kecamatan,
            {},
        ),
        hours(month),
        response_times(report.timings),
        answer_standard(report.timings),
    ]


def choices(kind: type[Channel] | type[Classification]) -> dict[str, str]:
    return {value: str(label) for value, label in kind.choices}


def count_column() -> tuple[tuple[str, str], ...]:
    return (("jumlah", _("Jumlah")),)


def summary(report: Report) -> Table:
    month, times = report.counts, report.timings
    scope = report.agency.code if report.agency is not None else EVERYTHING
    rows = (
        Row("periode", _("Periode"), (report.month_code,)),
        Row("cakupan", _("Cakupan"), (scope,)),
        Row("kontak", _("Kontak"), (month.contacts,)),
        Row("insiden", _("Insiden"), (month.incidents,)),
        Row(
            "panggilan_tak_terjawab",
            _("Panggilan tak terjawab"),
            (times.abandoned_calls,),
        ),
    )
    columns = (("nilai", _("Nilai")),)
    return Table(
        "ringkasan", _("Ringkasan"), _("Ringkasan"), _("Ukuran"), columns, rows
    )


def counted(
    key: str, title: str, heading: str, found: dict[str, int], names: dict[str, str]
) -> Table:
    """A count per key, biggest first (as `figures.grouped` orders them); `heading`
    names both the label column and the sheet."""
    rows = tuple(Row(code, names.get(code, code), (n,)) for code, n in found.items())
    return Table(key, title, heading, heading, count_column(), rows)


def hours(month: Counts) -> Table:
    rows = tuple(
        Row(f"{hour:02d}", f"{hour:02d}.00–{hour:02d}.59", (contacts, incidents))
        for hour, (contacts, incidents) in enumerate(
            zip(month.contacts_by_hour, month.incidents_by_hour, strict=True)
        )
    )
    columns = (("kontak", _("Kontak")), ("insiden", _("Insiden")))
    return Table(
        "jam", _("Kontak per jam (WIB)"), _("Jam"), _("Jam (WIB)"), columns, rows
    )


def response_times(times: Timings) -> Table:
    measures: list[tuple[str, str, Spread]] = [
        ("dering_ke_dijawab", _("Dering → dijawab"), times.ring_to_answer),
        ("dijawab_ke_insiden", _("Dijawab → insiden dibuka"), times.answer_to_incident),
        (
            "insiden_ke_penugasan",
            _("Insiden → penugasan pertama"),
            times.incident_to_dispatch,
        ),
        (
            "penugasan_ke_tiba",
            _("Penugasan → tiba di lokasi"),
            times.dispatch_to_on_scene,
        ),
        ("insiden_ke_selesai", _("Insiden → selesai ditangani"), times.total_handling),
    ] + [
        (
            f"penugasan_ke_konfirmasi_{code}",
            _("Penugasan → konfirmasi · %(opd)s") % {"opd": code},
            found,
        )
        for code, found in times.dispatch_to_acknowledge.items()
    ]
    rows = tuple(
        Row(key, label, (found.count, found.median, found.p90))
        for key, label, found in measures
    )
    columns = (
        ("jumlah", _("Jumlah")),
        ("median_detik", _("Median (detik)")),
        ("p90_detik", _("p90 (detik)")),
    )
    return Table(
        "waktu_tanggap",
        _("Waktu tanggap"),
        _("Waktu tanggap"),
        _("Ukuran"),
        columns,
        rows,
    )


def answer_standard(times: Timings) -> Table:
    """The share of answered calls answered within 15 s and 20 s, against NENA."""
    rows = []
    for (limit, share), target in zip(
        times.answered_within.items(), NENA_TARGETS, strict=True
    ):
        percent = None if share is None else round(share * 100, 1)
        met = (
            None if percent is None else (_("ya") if percent >= target else _("belum"))
        )
        label = _("Dijawab dalam %(limit)s detik") % {"limit": limit}
        rows.append(Row(f"dijawab_dalam_{limit}_detik", label, (percent, target, met)))
    columns = (
        ("persen", _("Tercapai (%)")),
        ("target_nena_persen", _("Standar NENA (%)")),
        ("memenuhi", _("Memenuhi")),
    )
    return Table(
        "standar_nena",
        _("Panggilan dijawab tepat waktu"),
        _("Standar NENA"),
        _("Ukuran"),
        columns,
        tuple(rows),
    )
