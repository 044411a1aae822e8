"""Every total and percentile of a known month (see month.py), as worked out by hand
below, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from siaga.agencies.models import Agency
from siaga.incidents.models import Incident
from siaga.intake.models import Contact
from siaga.lib.errors import InvalidInput
from siaga.lib.fields import WIB
from siaga.stats.figures import counts, timings
from siaga.stats.period import Period
from siaga.stats.sql import Spread, spread
from siaga.stats.tests.month import NOVEMBER, wib


def test_every_total_of_the_month(november: dict[str, Incident]) -> None:
    month = counts(NOVEMBER)

    assert (month.contacts, month.incidents) == (7, 3)
    assert month.by_channel == {"call": 5, "sms": 1, "whatsapp": 1}
    assert month.by_classification == {
        "emergency": 3,
        "non_emergency": 1,
        "prank": 1,
        "silent": 1,
        "unclassified": 1,
    }
    assert month.by_category == {"kebakaran": 1, "medis": 1, "pohon-tumbang": 1}
    assert month.by_agency == {
        "DAMKAR": 1,
        "DINKES": 1,
        "DISHUB": 1,
        "DKP": 1,
        "POLRES": 1,
    }
    assert sum(month.by_kecamatan.values()) == 3
    expected_hours = [0] * 24
    for hour in (8, 9, 22, 13, 3, 10, 10):
        expected_hours[hour] += 1
    assert month.contacts_by_hour == expected_hours
    assert month.contacts_by_weekday == [2, 3, 0, 1, 0, 1, 0]  # Mon, Tue×3, Thu, Sat
    assert month.incidents_by_weekday == [1, 2, 0, 0, 0, 0, 0]


def test_every_time_of_the_month(november: dict[str, Incident]) -> None:
    times = timings(NOVEMBER)

    # Answers after 5, 12, 18 and 25 s: p90 = 18 + 0.7 × (25 − 18).
    assert times.ring_to_answer == Spread(4, 15.0, 22.9)
    assert times.answered_within == {15: 0.5, 20: 0.75}
    assert times.abandoned_calls == 1
    # Answered at +5 s and +18 s, incidents at +65 s and +138 s: 60 and 120 s.
    assert times.answer_to_incident == Spread(2, 90.0, 114.0)
    # The fire and the tree dispatched as they opened, the sick 90 s later.
    assert times.incident_to_dispatch == Spread(3, 0.0, 72.0)
    assert times.dispatch_to_acknowledge == {
        "DAMKAR": Spread(1, 40.0, 40.0),
        "DINKES": Spread(1, 30.0, 30.0),
        "DKP": Spread(1, 200.0, 200.0),
        "POLRES": Spread(1, 100.0, 100.0),
    }
    assert times.dispatch_to_on_scene == Spread(2, 750.0, 870.0)
    assert times.total_handling == Spread(2, 4500.0, 5220.0)


def test_an_agency_sees_its_own_figures(november: dict[str, Incident]) -> None:
    damkar = Agency.objects.get(code="DAMKAR")

    mine, times = counts(NOVEMBER, damkar), timings(NOVEMBER, damkar)

    assert (mine.contacts, mine.incidents) == (1, 1)
    assert mine.by_category == {"kebakaran": 1}
    assert times.ring_to_answer == Spread(1, 5.0, 5.0)
    assert times.dispatch_to_acknowledge == {"DAMKAR": Spread(1, 40.0, 40.0)}
    assert times.dispatch_to_on_scene == Spread(1, 600.0, 600.0)
    assert times.total_handling == Spread(1, 3600.0, 3600.0)


def test_periods_are_whole_wib_days() -> None:
    assert NOVEMBER.start == wib(1, 0) and NOVEMBER.end == wib(1, 0, month=12)
    assert Period.month("2026-12").end == datetime(2027, 1, 1, tzinfo=WIB)
    for bad in ("2026-13", "26-11", "2026/11", "", "9999-01"):
        with pytest.raises(InvalidInput):
            Period.month(bad)


def test_an_empty_spread_has_no_figures() -> None:
    assert spread([]) == Spread(0, None, None)
    assert spread([7]) == Spread(1, 7.0, 7.0)


def test_the_prank_map_places_pranks_by_hour(november: dict[str, Incident]) -> None:
    from siaga.areas.locate import NO_PLACE
    from siaga.intake.actions import classify_contact, record_contact
    from siaga.stats.figures import prank_map

    with time_machine.travel(wib(20, 21), tick=False):
        located, _ = record_contact(channel="sms", sender="081299990000", actor=None)
    Contact.objects.filter(pk=located.pk).update(lat=-6.1746, lon=106.6339)
    classify_contact(located, classification="prank", actor=None)

    grid = prank_map(NOVEMBER)

    assert set(grid) == {NO_PLACE, "Tangerang"}  # the 9:00 call had no place
    assert grid[NO_PLACE][9] == 1 and sum(grid[NO_PLACE]) == 1
    assert grid["Tangerang"][21] == 1 and sum(grid["Tangerang"]) == 1


def test_the_trend_counts_each_month(november: dict[str, Incident]) -> None:
    from siaga.stats.figures import MonthTotals, trend

    months = trend("2026-12", months=3)

    assert months == [
        MonthTotals("2026-10", contacts=1, incidents=0, pranks=0),
        MonthTotals("2026-11", contacts=7, incidents=3, pranks=1),
        MonthTotals("2026-12", contacts=1, incidents=0, pranks=0),
    ]
    assert [m.month for m in trend("2027-01", months=2)] == ["2026-12", "2027-01"]


def test_the_local_clock_needs_a_zone_of_one_offset() -> None:
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from siaga.stats.sql import fixed_offset

    assert fixed_offset(WIB) == timedelta(hours=7)
    assert fixed_offset(ZoneInfo("Asia/Makassar")) == timedelta(hours=8)  # WITA
    assert fixed_offset(ZoneInfo("Asia/Jayapura")) == timedelta(hours=9)  # WIT
    with pytest.raises(ValueError, match="Europe/Amsterdam"):
        fixed_offset(ZoneInfo("Europe/Amsterdam"))
