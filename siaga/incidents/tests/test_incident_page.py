"""The incident page: timeline, linked contacts, dispatch timers, notes."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from siaga.accounts.models import User
from siaga.events.models import Event
from siaga.incidents.models import Incident
from siaga.intake.actions import record_contact
from siaga.testing import page_client

MakeIncident = Callable[..., Incident]


def test_the_page_shows_contacts_timers_and_the_timeline(
    call_taker: User, make_incident: MakeIncident
) -> None:
    contact, _ = record_contact(
        channel="sms", sender="081234567890", text="pohon tumbang", actor=None
    )
    tree = make_incident(
        category="pohon-tumbang", agencies=("DKP",), contacts=[contact]
    )

    html = page_client(call_taker).get(f"/insiden/{tree.number}/").content.decode()

    assert "0812-3456-7890" in html and "pohon tumbang" in html
    assert "data-deadline" in html
    assert "Insiden dibuka" in html and "Diteruskan ke DKP / DLH" in html


def test_an_agency_sees_the_incident_but_not_the_callers(
    damkar_operator: User, make_incident: MakeIncident
) -> None:
    contact, _ = record_contact(channel="call", sender="081234567890", actor=None)
    fire = make_incident(agencies=("DAMKAR",), contacts=[contact])

    html = page_client(damkar_operator).get(f"/insiden/{fire.number}/").content.decode()

    assert fire.number in html
    assert "0812-3456-7890" not in html
    assert "Tambah catatan" not in html


def test_the_floor_adds_a_note_to_the_timeline(
    call_taker: User, make_incident: MakeIncident
) -> None:
    fire = make_incident()

    page_client(call_taker).post(
        f"/insiden/{fire.number}/catatan/", {"text": "pelapor menelepon lagi"}
    )

    event = Event.objects.get(action="incident.note_added")
    assert event.after == {"text": "pelapor menelepon lagi"}
    html = page_client(call_taker).get(f"/insiden/{fire.number}/").content.decode()
    assert "Catatan: pelapor menelepon lagi" in html


@pytest.mark.parametrize("persona", ["damkar_operator", "wallboard"])
def test_read_only_roles_cannot_add_notes(
    persona: str, request: pytest.FixtureRequest, make_incident: MakeIncident
) -> None:
    fire = make_incident(agencies=("DAMKAR",))

    response = page_client(request.getfixturevalue(persona)).post(
        f"/insiden/{fire.number}/catatan/", {"text": "x"}
    )

    assert response.status_code == 403
    assert not Event.objects.filter(action="incident.note_added").exists()
