"""Training scenarios: scripted calls with known right answers, drawn from the city's
simulated day (siaga/simulator/mix.py) over the gazetteer this centre has loaded, so
every city gets its own landmarks, kelurahan, categories and agencies.

A scenario, a seed and a month give one script (the month decides the season: floods
come with the rain), so an exercise's calls can be drawn again from what it stores.
Reports from a neighbouring jurisdiction are left out (referrals are not trained yet),
and so are reports whose category is not active here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from siaga.areas.models import Area, AreaKind, Landmark
from siaga.incidents.models import Category
from siaga.lib.errors import InvalidInput
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


def script(code: str, seed: int, month: int) -> list[Scripted]:
    """The scenario's calls in the order they ring."""
    scenario = SCENARIOS[code]
    places = gazetteer()
    if not places["landmarks"]:
        raise InvalidInput("no landmarks are loaded: load the city's data set first")
    day = Day(places, seed=seed, month=month, rate=RATE, scenario=scenario.day)
    active = set(Category.objects.filter(is_active=True).values_list("code", flat=True))
    real: list[Report] = []
    other: list[Report] = []
    for report in day.reports(HOURS * 3600):
        if report.place is not None and report.place.neighbour:
            continue
        if report.category and report.category not in active:
            continue
        bucket, limit = (
            (real, scenario.real)
            if report.outcome == "emergency"
            else (other, scenario.other)
        )
        if len(bucket) < limit:
            bucket.append(report)
    chosen = sorted(real + other, key=lambda report: report.at)
    if len(real) < scenario.real:
        raise InvalidInput("too few of the scenario's categories are active here")
    return [answer_for(report) for report in chosen]


def gazetteer() -> dict[str, Any]:
    """The loaded places in the shape of a data set (mix.Day reads landmarks and
    kelurahan; no neighbours: they are not trained)."""
    marks = Landmark.objects.filter(is_active=True).order_by("pk")
    return {
        "landmarks": list(marks.values("name", "lat", "lon")),
        "kelurahan": list(
            Area.objects.filter(kind=AreaKind.KELURAHAN).order_by("pk").values("name")
        ),
        "neighbours": [],
    }


def answer_for(report: Report) -> Scripted:
    """The right answer: the report's outcome and category, the category's active
    agencies, the landmark the caller names."""
    agencies: list[str] = []
    if report.category:
        agencies = sorted(
            Category.objects.filter(
                code=report.category, default_agencies__is_active=True
            ).values_list("default_agencies__code", flat=True)
        )
    place, lat, lon = "", None, None
    if report.place is not None:
        place = report.place.name
        mark = (
            Landmark.objects.filter(name=place, is_active=True)
            .order_by("pk")
            .values("lat", "lon")
            .first()
        )
        lat, lon = (mark["lat"], mark["lon"]) if mark else (None, None)
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
