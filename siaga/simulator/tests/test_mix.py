"""The simulated day has Tangerang's mix (siaga/simulator/mix.py), and the same seed
gives the same day."""

from __future__ import annotations

from collections import Counter

from siaga.datasets.loader import read_dataset
from siaga.simulator.mix import (
    AML_SHARE,
    CHANNELS,
    CITY_OUTLINE_BOX,
    FLOOD_SPOTS,
    OUTCOMES,
    SURGE_SHARE,
    WAVE_CALLERS,
    Day,
    Report,
)

DATASET = read_dataset("tangerang")
HOURS = 2000


def day(seed: int = 7, month: int = 1, rate: float = 10.0) -> list[Report]:
    return Day(DATASET, seed=seed, month=month, rate=rate).reports(HOURS * 3600)


def test_the_same_seed_gives_the_same_day() -> None:
    assert day(seed=3)[:200] == day(seed=3)[:200]
    assert day(seed=3)[:200] != day(seed=4)[:200]


def test_the_rate_and_the_outcomes_are_tangerangs() -> None:
    reports = day()
    first_reports = [r for r in reports if not r.repeat]
    shares = Counter(r.outcome for r in first_reports)
    total = len(first_reports)

    assert abs(total / HOURS - 10.0) < 0.5  # arrivals at the rate asked for
    calls = CHANNELS["call"]  # a silent message is a prank: only calls are silent
    expected = OUTCOMES | {
        "silent": OUTCOMES["silent"] * calls,
        "prank": OUTCOMES["prank"] + OUTCOMES["silent"] * (1 - calls),
    }
    for outcome, share in expected.items():
        assert abs(shares[outcome] / total - share) < 0.02, outcome


def test_floods_come_with_the_rain_and_real_reports_name_a_landmark() -> None:
    rainy, dry = day(month=1), day(month=7)
    assert any(r.category == "banjir-bencana" for r in rainy)
    assert not any(r.category == "banjir-bencana" for r in dry)
    landmarks = [mark["name"] for mark in DATASET["landmarks"]]
    neighbours = [n["name"] for n in DATASET["neighbours"]]
    for report in [r for r in rainy if r.outcome == "emergency"][:300]:
        assert report.place is not None
        assert any(name in report.text for name in landmarks + neighbours)


def test_some_come_from_the_neighbours_and_some_events_are_reported_again() -> None:
    real = [r for r in day() if r.outcome == "emergency"]
    away = [r for r in real if r.place is not None and r.place.neighbour]
    again = [r for r in real if r.repeat]
    events_told_again = {r.event for r in again}
    firsts = {r.event for r in real}

    assert 0.05 < len(away) / len(real) < 0.11
    assert again and {r.place.name for r in again if r.place} <= {
        r.place.name for r in real if r.place
    }
    assert abs(len(events_told_again) / len(firsts) - 0.15) < 0.05
    south, west, north, east = CITY_OUTLINE_BOX
    home = [r.place for r in real if r.place and not r.place.neighbour]
    assert all(south <= p.lat <= north and west <= p.lon <= east for p in home)


def test_a_message_is_never_silent_and_pranksters_call_again() -> None:
    reports = day()
    assert not [r for r in reports if r.channel != "call" and r.outcome == "silent"]
    pranks = Counter(r.sender for r in reports if r.outcome == "prank")
    assert pranks.most_common(1)[0][1] > 50  # a frequent prankster


def test_most_calls_carry_an_aml_fix_and_messages_none() -> None:
    reports = day()[:20_000]
    calls = [r for r in reports if r.channel == "call"]
    fixed = [r for r in calls if r.handset]

    assert abs(len(fixed) / len(calls) - AML_SHARE) < 0.02
    assert not any(r.handset for r in reports if r.channel != "call")
    real = [r for r in fixed if r.outcome == "emergency"]
    assert all(r.handset == r.place for r in real)  # the phone is where the caller is


def test_a_flood_is_hundreds_of_reports_of_five_spots_across_channels() -> None:
    hour = Day(DATASET, seed=5, month=7, rate=400, scenario="flood").reports(3600)
    flood = [r for r in hour if r.category == "banjir-bencana"]

    assert len(flood) > 300  # hundreds within the hour, even in the dry season
    assert len({r.event for r in flood}) == FLOOD_SPOTS
    assert sum(not r.repeat for r in flood) == FLOOD_SPOTS  # each spot's first
    assert {r.channel for r in flood} == set(CHANNELS)
    assert Counter(r.channel for r in flood)["call"] / len(flood) < CHANNELS["call"]


def test_a_prank_wave_comes_from_a_dozen_numbers() -> None:
    hour = Day(DATASET, seed=5, month=7, rate=400, scenario="prank-wave").reports(3600)
    pranks = Counter(r.sender for r in hour if r.outcome in {"prank", "silent"})

    assert sum(pranks.values()) / len(hour) > SURGE_SHARE
    top = sum(n for _, n in pranks.most_common(WAVE_CALLERS))
    assert top / len(hour) > SURGE_SHARE - 0.02
