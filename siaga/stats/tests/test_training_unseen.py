"""A training exercise played in the middle of the month changes no live figure: not
the statistics, the monthly report, the wallboard, an agency's list, nor the live feed
(siaga/training)."""

from __future__ import annotations

from typing import Any

import time_machine

from siaga.accounts.models import User
from siaga.board.queries import build_board
from siaga.dispatching.models import Dispatch
from siaga.events.bus import latest_event_id, read_events
from siaga.events.models import Event
from siaga.incidents.models import Incident
from siaga.intake.models import Contact, OutboundMessage
from siaga.stats.figures import counts, prank_map, timings, trend
from siaga.stats.report import report_file
from siaga.stats.tests.month import NOVEMBER, wib
from siaga.testing import api_client, page_client
from siaga.training.models import Exercise
from siaga.training.scoring import score


def everything_live(agency_operator: User) -> tuple[object, ...]:
    with time_machine.travel(wib(20, 12), tick=False):
        board = build_board()
    agency_view = api_client(agency_operator).get("/api/v1/incidents").json()
    return (
        counts(NOVEMBER),
        timings(NOVEMBER),
        prank_map(NOVEMBER),
        trend("2026-11"),
        report_file("csv", NOVEMBER).content,
        board,
        agency_view,
        Contact.objects.count(),
        Incident.objects.count(),
        Dispatch.objects.count(),
        OutboundMessage.objects.count(),
    )


def test_a_training_run_is_invisible_in_live_statistics(
    november: Any, supervisor: User, call_taker: User, damkar_operator: User
) -> None:
    before = everything_live(damkar_operator)
    last_live = latest_event_id()
    boss, trainee = page_client(supervisor), page_client(call_taker)

    with time_machine.travel(wib(20, 12), tick=False) as clock:
        boss.post("/latihan/mulai/", {"trainee": call_taker.pk, "scenario": "banjir"})
        exercise = Exercise.objects.get(trainee=call_taker)
        for call in exercise.calls.all():
            trainee.post(f"/latihan/{exercise.pk}/angkat/")
            clock.shift(20)
            trainee.post(
                f"/latihan/{exercise.pk}/jawab/",
                {
                    "classification": call.right_classification,
                    "category": call.right_category,
                    "agencies": call.right_agencies,
                    "place": call.right_place,
                },
            )

    exercise.refresh_from_db()
    assert exercise.finished_at is not None
    assert score(exercise.calls.all()).percent == 100  # it was played, and counted
    assert everything_live(damkar_operator) == before
    assert Event.objects.filter(action__startswith="training.").count() > 10
    assert read_events(last_live) == []  # the consoles' live feed heard nothing
