"""The agency console: only its own dispatches, and the answers it can give."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from siaga.accounts.models import User
from siaga.dispatching.models import Dispatch, DispatchStatus
from siaga.events.models import Event
from siaga.incidents.models import Incident, IncidentStatus
from siaga.intake.actions import record_contact
from siaga.testing import page_client

MakeIncident = Callable[..., Incident]


def answer(user: User, incident: Incident, status: str, note: str = "") -> int:
    response = page_client(user).post(
        f"/opd/{incident.number}/jawab/", {"status": status, "note": note}
    )
    return int(response.status_code)


def test_the_console_lists_only_this_agencys_dispatches(
    damkar_operator: User, make_incident: MakeIncident
) -> None:
    fire = make_incident(agencies=("DAMKAR",))
    sick = make_incident(category="medis", agencies=("DINKES",))

    html = page_client(damkar_operator).get("/opd/").content.decode()

    assert fire.number in html and sick.number not in html
    assert (
        "unacknowledged" in html
    )  # highlighted, and the alarm sounds, until confirmed


def test_the_callers_number_is_masked(
    damkar_operator: User, make_incident: MakeIncident
) -> None:
    contact, _ = record_contact(channel="call", sender="081234567890", actor=None)
    make_incident(agencies=("DAMKAR",), contacts=[contact])

    html = page_client(damkar_operator).get("/opd/").content.decode()

    assert "0812-****-7890" in html
    assert "0812-3456-7890" not in html


def test_an_agency_works_a_dispatch_to_the_end(
    damkar_operator: User, make_incident: MakeIncident
) -> None:
    fire = make_incident(agencies=("DAMKAR",))

    for status in ["acknowledged", "accepted", "en_route", "on_scene", "handled"]:
        assert answer(damkar_operator, fire, status, note="unit 3") == 302

    fire.refresh_from_db()
    assert fire.status == IncidentStatus.ON_SCENE
    assert Dispatch.objects.get().status == DispatchStatus.HANDLED
    actions = set(Event.objects.filter(incident=fire).values_list("action", flat=True))
    assert {"dispatch.accepted", "dispatch.en_route", "dispatch.on_scene"} <= actions


def test_a_decline_needs_a_reason_and_returns_the_incident_to_the_floor(
    damkar_operator: User, make_incident: MakeIncident
) -> None:
    fire = make_incident(agencies=("DAMKAR",))

    answer(damkar_operator, fire, "declined")
    assert Dispatch.objects.get().status == DispatchStatus.SENT
    answer(damkar_operator, fire, "declined", note="bukan wilayah kami")

    fire.refresh_from_db()
    assert Dispatch.objects.get().status == DispatchStatus.DECLINED
    assert fire.status == IncidentStatus.NEW


def test_an_agency_cannot_answer_for_another(
    dinkes_operator: User, make_incident: MakeIncident
) -> None:
    fire = make_incident(agencies=("DAMKAR",))

    assert answer(dinkes_operator, fire, "acknowledged") == 404
    assert Dispatch.objects.get().status == DispatchStatus.SENT


@pytest.mark.parametrize("persona", ["call_taker", "wallboard"])
def test_roles_without_an_agency_console_are_refused(
    persona: str, request: pytest.FixtureRequest, make_incident: MakeIncident
) -> None:
    fire = make_incident(agencies=("DAMKAR",))
    user = request.getfixturevalue(persona)

    assert page_client(user).get("/opd/").status_code == 403
    assert answer(user, fire, "acknowledged") == 403


def test_an_agency_asks_the_floor_for_another_agency(
    damkar_operator: User, call_taker: User, make_incident: MakeIncident
) -> None:
    fire = make_incident(agencies=("DAMKAR",))

    page_client(damkar_operator).post(
        f"/opd/{fire.number}/bantuan/", {"agency": "DINKES", "note": "ada korban luka"}
    )

    event = Event.objects.get(action="dispatch.assistance_requested")
    assert event.after == {"agency": "DINKES", "note": "ada korban luka"}
    page = page_client(call_taker).get(f"/insiden/{fire.number}/").content.decode()
    assert "Minta bantuan OPD lain:" in page and "ada korban luka" in page


def test_another_agency_cannot_ask_on_a_dispatch_it_does_not_hold(
    dinkes_operator: User, make_incident: MakeIncident
) -> None:
    fire = make_incident(agencies=("DAMKAR",))

    response = page_client(dinkes_operator).post(
        f"/opd/{fire.number}/bantuan/", {"agency": "POLRES", "note": "x"}
    )

    assert response.status_code == 404
    assert not Event.objects.filter(action="dispatch.assistance_requested").exists()


def test_an_ambulance_sees_the_number_it_must_call_back(
    dinkes_operator: User, make_incident: MakeIncident
) -> None:
    contact, _ = record_contact(channel="call", sender="081234567890", actor=None)
    make_incident(category="medis", agencies=("DINKES",), contacts=[contact])

    html = page_client(dinkes_operator).get("/opd/").content.decode()

    assert "0812-3456-7890" in html
