"""A month of known contacts and incidents, built through the actions at known moments
(the fixture `november`, see conftest.py); test_month.py works out its figures."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from siaga.agencies.models import Agency
from siaga.dispatching.actions import (
    acknowledge_dispatch,
    dispatch_incident,
    respond_to_dispatch,
)
from siaga.dispatching.models import Dispatch
from siaga.incidents.actions import Place, change_incident_status, open_incident
from siaga.incidents.models import Category, Incident
from siaga.intake.actions import classify_contact, record_call_event, record_contact
from siaga.intake.models import Contact
from siaga.lib.fields import WIB
from siaga.stats.figures import counts, prank_map, timings, trend
from siaga.stats.period import Period
from siaga.stats.report import report_file

NOVEMBER = Period.month("2026-11")
S = timedelta(seconds=1)


def wib(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


def call(number: str, rang: datetime, answer_after: int | None) -> Contact:
    """A PBX call: ringing, then answered `answer_after` s later (or abandoned)."""
    caller = f"0812000{number}"
    record_call_event(
        call_id=f"c-{number}",
        event="ringing",
        caller_id=caller,
        occurred_at=rang,
        raw_payload="{}",
        actor=None,
    )
    last = "answered" if answer_after is not None else "abandoned"
    record_call_event(
        call_id=f"c-{number}",
        event=last,
        caller_id=caller,
        occurred_at=rang + (answer_after or 40) * S,
        raw_payload="{}",
        actor=None,
    )
    return Contact.objects.get(provider_id=f"c-{number}")


def at(moment: datetime) -> time_machine.travel:
    return time_machine.travel(moment, tick=False)


def incident(
    moment: datetime,
    category: str,
    agencies: tuple[str, ...],
    contacts: tuple[Contact, ...],
) -> Incident:
    with at(moment):
        for contact in contacts:
            classify_contact(contact, classification="emergency", actor=None)
        return open_incident(
            category=Category.objects.get(code=category),
            place=Place(lat=-6.1746, lon=106.6339),
            contacts=list(contacts),
            agencies=list(Agency.objects.filter(code__in=agencies)),
            actor=None,
        )


def dispatch_of(incident: Incident, agency: str) -> Dispatch:
    return Dispatch.objects.get(incident=incident, agency__code=agency)


def acknowledge(incident: Incident, agency: str, moment: datetime) -> None:
    with at(moment):
        acknowledge_dispatch(dispatch_of(incident, agency), actor=None)


def on_scene(incident: Incident, agency: str, moment: datetime) -> None:
    with at(moment):
        dispatch = respond_to_dispatch(
            dispatch_of(incident, agency), status="accepted", actor=None
        )
        respond_to_dispatch(dispatch, status="on_scene", actor=None)


def status(incident: Incident, value: str, moment: datetime) -> None:
    incident.refresh_from_db()
    with at(moment):
        change_incident_status(incident, status=value, actor=None)


@pytest.fixture
def november(db: None) -> dict[str, Incident]:
    """Five calls, a WhatsApp message and an SMS in November; two calls outside it."""
    call("90", wib(31, 23, 59, month=10), 4)  # October: not counted
    call("91", wib(1, 0, 0, month=12), 4)  # December: not counted
    c1 = call("01", wib(2, 8), 5)  # Monday
    c2 = call("02", wib(2, 9), 12)
    c3 = call("03", wib(3, 22, 30), 18)  # Tuesday
    c4 = call("04", wib(5, 13), 25)  # Thursday
    call("05", wib(7, 3, 15), None)  # Saturday, abandoned
    classify_contact(c2, classification="prank", actor=None)
    classify_contact(c4, classification="silent", actor=None)
    with at(wib(10, 10)):  # Tuesday
        w1, _ = record_contact(channel="whatsapp", sender="6281200000006", actor=None)
    with at(wib(10, 10, 5)):
        s1, _ = record_contact(channel="sms", sender="081200000007", actor=None)
        classify_contact(s1, classification="non_emergency", actor=None)

    fire = incident(wib(2, 8) + 65 * S, "kebakaran", ("DAMKAR", "POLRES"), (c1,))
    sick = incident(wib(3, 22, 30) + 138 * S, "medis", (), (c3,))
    with at(wib(3, 22, 30) + 228 * S):
        dispatch_incident(sick, agency=Agency.objects.get(code="DINKES"), actor=None)
    tree = incident(wib(10, 10, 1), "pohon-tumbang", ("DKP", "DISHUB"), (w1,))

    sent = {"fire": fire.opened_at, "sick": wib(3, 22, 30) + 228 * S}
    acknowledge(fire, "DAMKAR", sent["fire"] + 40 * S)
    acknowledge(fire, "POLRES", sent["fire"] + 100 * S)
    acknowledge(sick, "DINKES", sent["sick"] + 30 * S)
    acknowledge(tree, "DKP", tree.opened_at + 200 * S)
    on_scene(fire, "DAMKAR", sent["fire"] + 600 * S)
    on_scene(sick, "DINKES", sent["sick"] + 900 * S)
    status(fire, "resolved", fire.opened_at + 3600 * S)
    status(sick, "resolved", sick.opened_at + 5400 * S)
    status(sick, "closed", sick.opened_at + 7200 * S)  # handled at the first of the two
    return {"fire": fire, "sick": sick, "tree": tree}


def everything_counted() -> tuple[object, ...]:
    """Every figure of November: counts, timings, the prank map, the trend, the CSV."""
    return (
        counts(NOVEMBER),
        timings(NOVEMBER),
        prank_map(NOVEMBER),
        trend("2026-11"),
        report_file("csv", NOVEMBER).content,
    )
