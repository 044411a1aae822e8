"""Training scenarios: scripted calls with known right answers, drawn from the city's
simulated day (siaga/simulator/mix.py), so every city's data set gives its own
landmarks, categories and agencies.

A scenario is a seed away from a script: the same scenario and seed give the same
calls. Reports from a neighbouring jurisdiction are left out (referrals are not
trained yet).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from siaga.areas.models import Landmark
from siaga.datasets.loader import read_dataset
from siaga.incidents.models import Category
from siaga.simulator.mix import Day, Report

# Reports are drawn from this many simulated hours at this rate; plenty for any script.
HOURS, RATE = 6, 400


@dataclass(frozen=True)
class Scenario:
    code: str
    name: str | Promise
    about: str | Promise
    day: str  # the simulator's scenario the calls come from
    real: int  # real emergencies in the script
    other: int  # prank, silent, non-emergency, information, wrong numbers


SCENARIOS: dict[str, Scenario] = {
    s.code: s
    for s in [
        Scenario(
            "campuran",
            _("Giliran campuran"),
            _(
                "Enam laporan darurat di antara enam panggilan iseng, diam, salah "
                "sambung dan pertanyaan."
            ),
            "day",
            real=6,
            other=6,
        ),
        Scenario(
            "banjir",
            _("Hari banjir"),
            _(
                "Laporan banjir dari titik-titik yang sama lewat berbagai kanal: "
                "laporan ulang boleh ditandai sebagai laporan ganda."
            ),
            "flood",
            real=8,
            other=2,
        ),
        Scenario(
            "gelombang-iseng",
            _("Gelombang iseng"),
            _("Panggilan iseng dan diam beruntun; dua laporan darurat di antaranya."),
            "prank-wave",
            real=2,
            other=10,
        ),
    ]
}


@dataclass(frozen=True)
class Scripted:
    """One call of a script and its right answer."""

    channel: str
    caller: str
    words: str
    classification: str
    category: str
    agencies: list[str]
    place: str
    lat: float | None
    lon: float | None
    repeat: bool


def script(code: str, seed: int, *, dataset: str = "tangerang") -> list[Scripted]:
    """The scenario's calls in the order they ring."""
    scenario = SCENARIOS[code]
    day = Day(
        read_dataset(dataset),
        seed=seed,
        month=timezone.localdate().month,
        rate=RATE,
        scenario=scenario.day,
    )
    real: list[Report] = []
    other: list[Report] = []
    for report in day.reports(HOURS * 3600):
        if report.place is not None and report.place.neighbour:
            continue
        bucket, limit = (
            (real, scenario.real)
            if report.outcome == "emergency"
            else (other, scenario.other)
        )
        if len(bucket) < limit:
            bucket.append(report)
    chosen = sorted(real + other, key=lambda report: report.at)
    return [answer_for(report) for report in chosen]


def answer_for(report: Report) -> Scripted:
    """The right answer: the report's outcome and category, the category's agencies,
    the landmark the caller names (where it is in the gazetteer)."""
    agencies: list[str] = []
    if report.category:
        agencies = sorted(
            Category.objects.filter(code=report.category).values_list(
                "default_agencies__code", flat=True
            )
        )
        agencies = [code for code in agencies if code]
    place, lat, lon = "", None, None
    if report.place is not None:
        place, lat, lon = report.place.name, report.place.lat, report.place.lon
        mark = Landmark.objects.filter(name=place).values("lat", "lon").first()
        if mark is not None:
            lat, lon = mark["lat"], mark["lon"]
    return Scripted(
        channel=report.channel,
        caller=report.sender,
        words=report.text,
        classification=report.outcome,
        category=report.category,
        agencies=agencies,
        place=place,
        lat=lat,
        lon=lon,
        repeat=report.repeat,
    )
