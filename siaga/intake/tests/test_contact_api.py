from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from siaga.accounts.models import User
from siaga.events.models import Event
from siaga.incidents.models import Incident
from siaga.intake.models import Caller, Contact
from siaga.testing import api_client

MakeIncident = Callable[..., Incident]
CALL = {
    "channel": "call",
    "sender": "sip:0812-3456-7890@pbx.tangerangkota.go.id",
    "provider_id": "pbx-1701-0001",
    "text": "Penelepon melaporkan asap dari rumah tetangga",
}


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_it_records_a_call_with_the_caller_in_e164(call_taker: User) -> None:
    response = post(api_client(call_taker), "/api/v1/contacts", CALL)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["caller"] == "+6281234567890"
    assert body["classification"] == "unclassified"
    contact = Contact.objects.get(public_id=body["id"])
    assert json.loads(contact.raw_payload) == CALL
    assert Event.objects.filter(
        action="contact.recorded", target_id=contact.pk
    ).exists()


def test_a_retried_delivery_never_makes_a_second_contact(call_taker: User) -> None:
    client = api_client(call_taker)

    first = post(client, "/api/v1/contacts", CALL)
    second = post(client, "/api/v1/contacts", CALL)

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Contact.objects.count() == 1


def test_a_withheld_number_is_still_recorded(call_taker: User) -> None:
    body = CALL | {"sender": "anonymous", "provider_id": "pbx-2"}
    response = post(api_client(call_taker), "/api/v1/contacts", body)

    assert response.status_code == 201
    assert response.json()["caller"] is None


def test_the_same_number_in_any_form_is_one_caller(call_taker: User) -> None:
    client = api_client(call_taker)
    for index, sender in enumerate(
        ["081234567890", "+62 812-3456-7890", "0062812345678 90"]
    ):
        post(
            client,
            "/api/v1/contacts",
            CALL | {"sender": sender, "provider_id": str(index)},
        )

    assert Caller.objects.get().identifier == "+6281234567890"
    caller = Caller.objects.with_history().get()
    assert caller.contact_count == 3  # type: ignore[attr-defined]  # an annotation


def test_classifying_a_contact_puts_it_on_the_incident_timeline(
    call_taker: User, make_incident: MakeIncident
) -> None:
    incident = make_incident()
    client = api_client(call_taker)
    contact_id = post(client, "/api/v1/contacts", CALL).json()["id"]

    response = client.patch(
        f"/api/v1/contacts/{contact_id}",
        json.dumps({"classification": "duplicate", "incident": incident.number}),
        content_type="application/json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["incident"] == incident.number
    actions = Event.objects.for_incident(incident.pk).values_list("action", flat=True)
    assert {"contact.classified", "contact.linked"} <= set(actions)


def test_a_prank_call_counts_against_the_caller(call_taker: User) -> None:
    client = api_client(call_taker)
    contact_id = post(client, "/api/v1/contacts", CALL).json()["id"]

    client.patch(
        f"/api/v1/contacts/{contact_id}",
        json.dumps({"classification": "prank"}),
        content_type="application/json",
    )

    caller = Caller.objects.with_history().get()
    assert caller.prank_count == 1  # type: ignore[attr-defined]  # an annotation


def test_contacts_can_be_filtered(call_taker: User) -> None:
    client = api_client(call_taker)
    post(client, "/api/v1/contacts", CALL)
    post(client, "/api/v1/contacts", CALL | {"channel": "sms", "provider_id": "sms-1"})

    listed = client.get("/api/v1/contacts?channel=sms").json()

    assert listed["count"] == 1
    assert listed["items"][0]["channel"] == "sms"


@pytest.mark.parametrize("persona", ["damkar_operator", "wallboard"])
def test_roles_without_contact_access_are_refused(
    persona: str, request: pytest.FixtureRequest, call_taker: User
) -> None:
    contact_id = post(api_client(call_taker), "/api/v1/contacts", CALL).json()["id"]
    client = api_client(request.getfixturevalue(persona))

    assert client.get("/api/v1/contacts").status_code == 403
    assert client.get(f"/api/v1/contacts/{contact_id}").status_code == 403
    assert post(client, "/api/v1/contacts", CALL).status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        {"channel": "pigeon"},
        {"channel": "sms", "location": {"lat": -6.2}},
        {"channel": "sms", "received_at": "kemarin"},
        # Found by schemathesis: PostgreSQL refuses what Python parses.
        {"channel": "sms", "received_at": "0004-09-21T18:13:49+19:10"},
        {"channel": "sms", "received_at": "2026-12-04T10:00:00+15:00"},
        {"channel": "sms", "text": "x" * 10_001},
    ],
)
def test_bad_contacts_are_refused(call_taker: User, body: dict[str, Any]) -> None:
    response = post(api_client(call_taker), "/api/v1/contacts", body)

    assert response.status_code == 422
    assert not Contact.objects.exists()


def test_an_unknown_contact_id_is_a_404_not_a_500(call_taker: User) -> None:
    client = api_client(call_taker)

    assert client.get("/api/v1/contacts/not-a-uuid").status_code == 422
    missing = "/api/v1/contacts/00000000-0000-0000-0000-000000000000"
    assert client.get(missing).status_code == 404
