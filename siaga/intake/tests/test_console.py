"""The call-taker console: who may use it, and what its one form does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from siaga.accounts.models import User
from siaga.areas.models import Landmark
from siaga.incidents.models import Incident, IncidentStatus
from siaga.intake.actions import record_call_event
from siaga.intake.models import CallState, Classification, Contact
from siaga.testing import page_client

MakeIncident = Callable[..., Incident]


@pytest.fixture
def ringing_call(db: None) -> Contact:
    from django.utils import timezone

    event, _ = record_call_event(
        call_id="pbx-77",
        event="ringing",
        caller_id="081234567890",
        occurred_at=timezone.now(),
        raw_payload="{}",
        actor=None,
    )
    return event.contact


def triage(client: Client, contact: Contact, **fields: Any) -> Any:
    return client.post(f"/konsol/kontak/{contact.public_id}/", fields)


def test_the_console_shows_the_waiting_call_with_its_history(
    call_taker: User, ringing_call: Contact
) -> None:
    page = page_client(call_taker).get(f"/konsol/?kontak={ringing_call.public_id}")

    html = page.content.decode()
    assert page.status_code == 200
    assert "0812-3456-7890" in html
    assert "Berdering" in html
    assert 'name="classification"' in html


def test_an_emergency_opens_an_incident_at_a_landmark_and_dispatches_it(
    call_taker: User, ringing_call: Contact
) -> None:
    market = Landmark.objects.get(name="Pasar Anyar")

    response = triage(
        page_client(call_taker),
        ringing_call,
        classification="emergency",
        category="pohon-tumbang",
        address="depan Pasar Anyar",
        landmark=market.pk,
        description="Pohon tumbang menimpa angkot",
        agencies=["DKP", "DISHUB"],
    )

    assert response.status_code == 302, response.content.decode()[:500]
    ringing_call.refresh_from_db()
    incident = ringing_call.incident
    assert incident is not None
    assert incident.status == IncidentStatus.DISPATCHED
    assert incident.landmark == market and incident.priority == 2
    assert {d.agency.code for d in incident.dispatches.all()} == {"DKP", "DISHUB"}
    assert ringing_call.classification == Classification.EMERGENCY


def test_linking_to_a_possible_duplicate_opens_nothing_new(
    call_taker: User, ringing_call: Contact, make_incident: MakeIncident
) -> None:
    tree = make_incident(category="pohon-tumbang", agencies=("DKP",))
    client = page_client(call_taker)

    found = client.get(
        "/konsol/ganda/",
        {"category": "pohon-tumbang", "lat": str(tree.lat), "lon": str(tree.lon)},
    )
    assert tree.number in found.content.decode()
    triage(client, ringing_call, classification="duplicate", duplicate_of=tree.number)

    ringing_call.refresh_from_db()
    assert ringing_call.incident == tree
    assert ringing_call.classification == Classification.DUPLICATE
    assert Incident.objects.count() == 1


def test_a_non_emergency_gets_a_complaint_reference(
    call_taker: User, ringing_call: Contact
) -> None:
    response = triage(
        page_client(call_taker), ringing_call, classification="non_emergency"
    )

    ringing_call.refresh_from_db()
    assert ringing_call.deflection_reference.startswith("TNG-ADU-")
    assert response.status_code == 302


def test_a_silent_call_waits_for_a_call_back(
    call_taker: User, ringing_call: Contact
) -> None:
    client = page_client(call_taker)
    triage(client, ringing_call, classification="silent")

    queue = client.get("/konsol/antrean/").content.decode()
    assert "Perlu ditelepon balik" in queue
    client.post(
        f"/konsol/kontak/{ringing_call.public_id}/telepon-balik/", {"note": "aman"}
    )

    ringing_call.refresh_from_db()
    assert ringing_call.callback_done_at is not None
    assert (
        "Perlu ditelepon balik" not in client.get("/konsol/antrean/").content.decode()
    )


def test_an_emergency_without_a_category_is_sent_back(
    call_taker: User, ringing_call: Contact
) -> None:
    response = triage(page_client(call_taker), ringing_call, classification="emergency")

    assert response.status_code == 422
    assert "Pilih kategori" in response.content.decode()
    assert not Incident.objects.exists()


def test_a_call_logged_by_hand_is_answered_by_the_operator(call_taker: User) -> None:
    response = page_client(call_taker).post(
        "/konsol/panggilan-manual/", {"caller_id": "0812-1111-2222"}
    )

    contact = Contact.objects.get()
    assert response.status_code == 302
    assert contact.call_state == CallState.ANSWERED
    assert contact.handled_by == call_taker


def test_place_type_ahead_understands_how_callers_talk(call_taker: User) -> None:
    page = page_client(call_taker).get("/konsol/tempat/", {"q": "dekat psr anyar"})

    assert "Pasar Anyar" in page.content.decode()


@pytest.mark.parametrize("persona", ["damkar_operator", "wallboard"])
def test_roles_off_the_call_floor_are_refused(
    persona: str, request: pytest.FixtureRequest, ringing_call: Contact
) -> None:
    client = page_client(request.getfixturevalue(persona))

    for path in ["/konsol/", "/konsol/antrean/", "/konsol/tempat/?q=pasar"]:
        assert client.get(path).status_code == 403, path
    assert triage(client, ringing_call, classification="prank").status_code == 403
    ringing_call.refresh_from_db()
    assert ringing_call.classification == Classification.UNCLASSIFIED


def test_a_dropped_call_is_owed_a_call_back_until_dealt_with(
    call_taker: User, ringing_call: Contact
) -> None:
    from django.utils import timezone

    record_call_event(
        call_id="pbx-77",
        event="abandoned",
        occurred_at=timezone.now(),
        raw_payload="{}",
        actor=None,
    )
    assert list(Contact.objects.owed_callback()) == [ringing_call]

    triage(page_client(call_taker), ringing_call, classification="wrong_number")

    assert not Contact.objects.owed_callback().exists()
