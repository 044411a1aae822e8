"""`POST /hooks/telephony`: call events from the PBX, idempotent and order-proof."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from siaga.accounts.models import User
from siaga.events.models import Event
from siaga.intake.models import CallState, Contact, TelephonyEvent
from siaga.testing import api_client

RING = {
    "call_id": "1733300000.42",
    "event": "ringing",
    "caller_id": "sip:0812-3456-7890@10.10.1.5;user=phone",
    "at": "2026-12-04T10:00:00+07:00",
}
ANSWER = RING | {
    "event": "answered",
    "extension": "201",
    "at": "2026-12-04T10:00:07+07:00",
}
END = RING | {"event": "ended", "at": "2026-12-04T10:02:00+07:00"}


@pytest.fixture
def pbx(call_taker: User) -> Client:
    call_taker.extension = "201"
    call_taker.save(update_fields=["extension"])
    return api_client(call_taker)


def send(client: Client, body: Any) -> Any:
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post("/hooks/telephony", data, content_type="application/json")


def the_call() -> Contact:
    return Contact.objects.get(provider_id=RING["call_id"])


def test_a_ringing_call_is_recorded_with_its_caller(pbx: Client) -> None:
    response = send(pbx, RING)

    assert response.status_code == 201, response.content
    call = the_call()
    assert call.call_state == CallState.RINGING
    assert call.caller is not None and call.caller.identifier == "+6281234567890"
    assert call.received_at == datetime(2026, 12, 4, 3, 0, tzinfo=UTC)
    assert json.loads(TelephonyEvent.objects.get().payload) == RING
    assert list(Contact.objects.calls_in_progress()) == [call]


def test_answering_names_the_operator_at_the_extension(
    pbx: Client, call_taker: User
) -> None:
    send(pbx, RING)
    send(pbx, ANSWER)

    call = the_call()
    assert call.call_state == CallState.ANSWERED
    assert call.handled_by == call_taker
    assert call.extension == "201"
    events = Event.objects.filter(target_type="contact", target_id=str(call.pk))
    actions = events.order_by("id").values_list("action", flat=True)
    assert list(actions) == ["contact.recorded", "contact.ringing", "contact.answered"]


def test_a_repeated_event_changes_nothing(pbx: Client) -> None:
    send(pbx, RING)
    events = Event.objects.count()

    again = send(pbx, RING)

    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert TelephonyEvent.objects.count() == 1
    assert Event.objects.count() == events


def test_events_out_of_order_end_in_the_right_state(pbx: Client) -> None:
    send(pbx, END)
    send(pbx, ANSWER)
    send(pbx, RING)

    call = the_call()
    assert call.call_state == CallState.ENDED
    assert call.received_at == datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # the ring
    assert call.answered_at == datetime(2026, 12, 4, 3, 0, 7, tzinfo=UTC)
    assert call.ended_at == datetime(2026, 12, 4, 3, 2, tzinfo=UTC)
    assert not Contact.objects.calls_in_progress().exists()


def test_an_abandoned_call_leaves_the_queue_but_stays_on_record(pbx: Client) -> None:
    send(pbx, RING)
    send(pbx, RING | {"event": "abandoned", "at": "2026-12-04T10:00:20+07:00"})

    assert the_call().call_state == CallState.ABANDONED
    assert not Contact.objects.calls_in_progress().exists()


def test_a_withheld_number_still_makes_a_call(pbx: Client) -> None:
    response = send(pbx, RING | {"caller_id": "anonymous"})

    assert response.status_code == 201
    assert the_call().caller is None


def test_a_time_without_an_offset_is_wib(pbx: Client) -> None:
    send(pbx, RING | {"at": "2026-12-04T10:00:00"})

    assert the_call().received_at == datetime(2026, 12, 4, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("{", 400),
        ("[]", 422),
        ({"event": "ringing"}, 422),
        (RING | {"call_id": ""}, 422),
        (RING | {"event": "on_hold"}, 422),
        (RING | {"at": "kemarin sore"}, 422),
        (RING | {"at": "1900-01-01T00:00:00+07:00"}, 422),
        (RING | {"call_id": "x" * 301}, 422),
        (RING | {"caller_id": "08\u0000"}, 422),
    ],
)
def test_malformed_events_are_refused_and_change_nothing(
    pbx: Client, body: Any, status: int
) -> None:
    response = send(pbx, body)

    assert response.status_code == status
    assert response.json()["error"]["message"]
    assert not Contact.objects.exists()
    assert not TelephonyEvent.objects.exists()


def test_only_the_call_floor_may_send_call_events(damkar_operator: User) -> None:
    response = send(api_client(damkar_operator), RING)

    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_without_a_token_the_pbx_is_refused(db: None) -> None:
    assert send(Client(), RING).status_code == 401
