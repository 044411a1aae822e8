"""The supervisor's board and the wallboard: live figures, escalations, who may look."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from siaga.accounts.models import User
from siaga.accounts.roles import Role
from siaga.incidents.models import Incident
from siaga.intake.actions import classify_contact, record_contact
from siaga.ops.worker import run_once
from siaga.testing import make_user, page_client
from siaga.units.actions import assign_unit
from siaga.units.models import Unit

MakeIncident = Callable[..., Incident]


@time_machine.travel(datetime(2026, 12, 4, 3, 0, tzinfo=UTC), tick=False)  # 10:00 WIB
def test_the_board_counts_today_and_flags_escalations(
    supervisor: User, make_incident: MakeIncident
) -> None:
    fire = make_incident(agencies=("DAMKAR",))
    make_incident(category="medis", agencies=("DINKES",))
    prank, _ = record_contact(channel="call", sender="081234567890", actor=None)
    classify_contact(prank, classification="prank", actor=None)
    record_contact(channel="sms", sender="081298765432", text="tolong", actor=None)

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        run_once()  # both deadlines pass: escalated
        html = page_client(supervisor).get("/papan/").content.decode()

    assert "Kebakaran: <strong>1</strong>" in html
    assert "Iseng / prank: <strong>1</strong>" in html
    assert html.count("data-alarm-source") >= 2  # the escalation tile and rows
    assert fire.number in html


@pytest.mark.parametrize("persona", ["supervisor", "admin_user", "wallboard"])
def test_the_board_opens_for_the_supervisor_and_the_theatre(
    persona: str, request: pytest.FixtureRequest
) -> None:
    assert (
        page_client(request.getfixturevalue(persona)).get("/papan/").status_code == 200
    )


@pytest.mark.parametrize("persona", ["call_taker", "damkar_operator"])
def test_the_board_is_refused_to_other_roles(
    persona: str, request: pytest.FixtureRequest
) -> None:
    assert (
        page_client(request.getfixturevalue(persona)).get("/papan/").status_code == 403
    )


def test_the_wallboard_shows_no_callers_numbers(
    wallboard: User, make_incident: MakeIncident
) -> None:
    record_contact(channel="call", sender="081234567890", actor=None)

    html = page_client(wallboard).get("/papan/").content.decode()

    assert "0812" not in html


def test_the_map_shows_an_agency_only_its_own_incidents(
    damkar_operator: User, supervisor: User, make_incident: MakeIncident
) -> None:
    fire = make_incident(agencies=("DAMKAR",))
    sick = make_incident(category="medis", agencies=("DINKES",))

    mine = page_client(damkar_operator).get("/papan/peta.json").json()
    everything = page_client(supervisor).get("/papan/peta.json").json()

    assert [i["number"] for i in mine["incidents"]] == [fire.number]
    assert {i["number"] for i in everything["incidents"]} == {fire.number, sick.number}
    assert everything["outline"]["type"] == "Polygon"
    # Units too: an agency its own, the floor all; a crew reads no map at all.
    assert {u["agency"] for u in mine["units"]} == {"DAMKAR"}
    assert {"DAMKAR", "DINKES", "POLRES"} <= {u["agency"] for u in everything["units"]}


def test_the_board_lists_units_too_long_in_their_status(
    supervisor: User, make_incident: MakeIncident
) -> None:
    unit = Unit.objects.get(call_sign="DAMKAR-01")
    assign_unit(unit, incident=make_incident(), actor=None)
    Unit.objects.filter(pk=unit.pk).update(
        status_since=timezone.now() - timedelta(minutes=10)
    )

    html = page_client(supervisor).get("/papan/").content.decode()

    overdue = html[html.index('class="plain overdue-units"') :][:600]
    assert "DAMKAR-01" in overdue and "Ditugaskan" in overdue
    assert "Ditugaskan: <strong>1</strong>" in html


def test_a_crew_reads_no_map(make_incident: MakeIncident) -> None:
    crew = make_user("kru-x", Role.RESPONDER, "DAMKAR")
    assert page_client(crew).get("/papan/peta.json").status_code == 403


def test_the_board_shows_who_checked_in(supervisor: User) -> None:
    from siaga.shifts.actions import check_in

    on = make_user("sari", Role.CALL_TAKER)
    make_user("budi", Role.CALL_TAKER)  # signed in somewhere, but not on shift
    check_in(on, actor=on)

    html = page_client(supervisor).get("/papan/").content.decode()

    on_duty = html[html.index("petugas bertugas") - 40 :]
    assert '<span class="n">1</span> petugas bertugas' in html
    assert "sari" in on_duty and "budi" not in on_duty
