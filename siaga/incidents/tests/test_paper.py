"""The paper fallback: numbers set aside from the day's counter (the system's own
numbers continue after them), the printed forms, and entering a form afterwards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
import time_machine

from siaga.accounts.models import User
from siaga.accounts.roles import AGENCY_ROLES, Role
from siaga.events.models import Event
from siaga.incidents.actions import reserve_paper_numbers
from siaga.incidents.models import Incident
from siaga.incidents.paper import forms_pdf
from siaga.lib.errors import InvalidInput
from siaga.lib.fields import WIB
from siaga.stats.tests.test_report import pdf_pages
from siaga.testing import api_client, make_user, page_client

DAY = date(2026, 12, 5)
NOON = datetime(2026, 12, 5, 12, 0, tzinfo=WIB)


@pytest.fixture
def at_noon() -> object:
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.mark.usefixtures("at_noon")
def test_paper_numbers_continue_the_systems_own(
    make_incident: Callable[..., Incident], supervisor: User
) -> None:
    first = make_incident()

    block = reserve_paper_numbers(day=DAY, count=3, actor=supervisor)
    following = make_incident()

    assert first.number == "TNG-20261205-0001"
    assert block.numbers() == [f"TNG-20261205-000{n}" for n in (2, 3, 4)]
    assert following.number == "TNG-20261205-0005"
    reserved = Event.objects.get(action="paper.reserved")
    assert reserved.after == {
        "day": "2026-12-05",
        "first": "TNG-20261205-0002",
        "last": "TNG-20261205-0004",
    }
    with pytest.raises(InvalidInput):
        reserve_paper_numbers(day=DAY, count=0, actor=supervisor)


@pytest.mark.usefixtures("at_noon")
def test_a_paper_form_is_entered_under_its_printed_number(room_operator: User) -> None:
    reserve_paper_numbers(day=DAY, count=2, actor=None)
    client = api_client(room_operator)
    written = (NOON - timedelta(hours=2)).isoformat()
    form = {
        "category": "kebakaran",
        "description": "Dari formulir kertas",
        "paper_number": "TNG-20261205-0002",
        "opened_at": written,
    }

    created = client.post("/api/v1/incidents", form, content_type="application/json")
    again = client.post("/api/v1/incidents", form, content_type="application/json")

    assert created.status_code == 201, created.content
    incident = Incident.objects.get(number="TNG-20261205-0002")
    assert incident.opened_at == NOON - timedelta(hours=2)
    opened = Event.objects.get(incident=incident, action="incident.opened")
    assert opened.after is not None and opened.after["paper_form"] is True
    assert again.status_code == 409
    assert (
        again.json()["error"]["message"]
        == "the form TNG-20261205-0002 has already been entered"
    )


@pytest.mark.usefixtures("at_noon")
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"paper_number": "TNG-20261205-0009"}, "paper_number"),  # not set aside
        ({"paper_number": "JKT-20261205-0001"}, "paper_number"),  # another city
        ({"paper_number": "TNG-2026-12-05-1"}, "paper_number"),
        ({"opened_at": None}, "opened_at"),
        ({"opened_at": "2026-12-03T10:00:00+07:00"}, "opened_at"),  # before its day
        ({"opened_at": "2026-12-05T13:00:00+07:00"}, "opened_at"),  # in the future
        ({"paper_number": ""}, "opened_at"),  # a time without a form
    ],
)
def test_a_paper_form_that_does_not_fit_is_refused(
    room_operator: User, change: dict[str, object], field: str
) -> None:
    reserve_paper_numbers(day=DAY, count=1, actor=None)
    form = {
        "category": "kebakaran",
        "paper_number": "TNG-20261205-0001",
        "opened_at": "2026-12-05T09:00:00+07:00",
    } | change

    response = api_client(room_operator).post(
        "/api/v1/incidents", form, content_type="application/json"
    )

    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert not Incident.objects.exists()


@pytest.mark.usefixtures("at_noon")
def test_the_forms_print_one_numbered_page_each(db: None) -> None:
    block = reserve_paper_numbers(day=DAY, count=2, actor=None)

    pages = pdf_pages(forms_pdf([block]))

    assert len(pages) == 2
    for (text, inked), number in zip(pages, block.numbers(), strict=True):
        assert number in text
        assert "Kebakaran" in text and "DAMKAR" in text
        assert inked > 0.005  # lines and boxes, not a blank page


@pytest.mark.usefixtures("at_noon")
def test_a_supervisor_downloads_the_days_forms(supervisor: User) -> None:
    response = page_client(supervisor).post("/server/kertas/", {"count": "2"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "TNG-20261205-0001" in response["Content-Disposition"]
    refused = page_client(supervisor).post(
        "/server/kertas/", {"count": "500"}, follow=True
    )
    assert "between 1 and 200" in refused.content.decode()


@pytest.mark.usefixtures("at_noon")
def test_the_floor_enters_a_paper_form_with_its_caller_and_dispatches(
    room_operator: User,
) -> None:
    from siaga.dispatching.models import Dispatch
    from siaga.intake.models import Contact

    reserve_paper_numbers(day=DAY, count=1, actor=None)
    form = {
        "number": "TNG-20261205-0001",
        "opened_at": "2026-12-05T09:15",
        "channel": "call",
        "caller": "081234567890",
        "category": "kebakaran",
        "description": "Gudang terbakar, ditulis di kertas",
        "address": "Jl. Daan Mogot dekat pasar",
        "agencies": ["DAMKAR"],
    }

    response = page_client(room_operator).post("/insiden/kertas/", form)

    assert response.status_code == 302
    incident = Incident.objects.get(number="TNG-20261205-0001")
    assert incident.opened_at == datetime(2026, 12, 5, 9, 15, tzinfo=WIB)
    assert incident.address == "Jl. Daan Mogot dekat pasar"
    contact = Contact.objects.get(incident=incident)
    assert (contact.classification, contact.received_at) == (
        "emergency",
        incident.opened_at,
    )
    assert Dispatch.objects.filter(incident=incident, agency__code="DAMKAR").exists()
    again = page_client(room_operator).post("/insiden/kertas/", form)
    assert "already been entered" in again.content.decode()
    assert Contact.objects.count() == 1  # a refused form records nothing


@pytest.mark.parametrize("role", sorted(Role.values))
def test_only_the_floor_enters_paper_forms(db: None, role: str) -> None:
    user = make_user(f"p-{role}", role, "DAMKAR" if role in AGENCY_ROLES else "")
    status = page_client(user).get("/insiden/kertas/").status_code
    floor = {Role.CALL_TAKER, Role.ROOM_OPERATOR, Role.SUPERVISOR, Role.ADMIN}
    assert status == (200 if role in floor else 403), role
