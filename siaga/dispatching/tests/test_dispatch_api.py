from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import time_machine
from django.utils import timezone

from siaga.accounts.models import User
from siaga.dispatching.models import Dispatch, DispatchStatus
from siaga.events.models import Event
from siaga.incidents.models import Incident, IncidentStatus
from siaga.ops.worker import run_once
from siaga.testing import api_client

MakeIncident = Callable[..., Incident]


def dispatch_to(client: object, number: str, agency: str) -> object:
    return client.post(  # type: ignore[attr-defined]
        f"/api/v1/incidents/{number}/dispatches",
        json.dumps({"agency": agency}),
        content_type="application/json",
    )


def test_a_call_taker_dispatches_an_incident(
    call_taker: User, make_incident: MakeIncident
) -> None:
    incident = make_incident(agencies=())

    response = dispatch_to(api_client(call_taker), incident.number, "DAMKAR")

    assert response.status_code == 201  # type: ignore[attr-defined]
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.DISPATCHED
    dispatch = incident.dispatches.get()
    assert dispatch.agency.code == "DAMKAR"
    # A fire is priority 1: two minutes by the default SIAGA_ACK_DEADLINE_BY_PRIORITY.
    assert dispatch.ack_deadline_at - dispatch.sent_at == timedelta(minutes=2)


def test_the_same_agency_is_not_dispatched_twice(
    call_taker: User, make_incident: MakeIncident
) -> None:
    incident = make_incident(agencies=("DAMKAR",))

    response = dispatch_to(api_client(call_taker), incident.number, "DAMKAR")

    assert response.status_code == 409  # type: ignore[attr-defined]
    assert incident.dispatches.count() == 1


def test_the_agency_acknowledges_its_dispatch(
    damkar_operator: User, make_incident: MakeIncident
) -> None:
    incident = make_incident(agencies=("DAMKAR",))
    path = f"/api/v1/incidents/{incident.number}/dispatches/DAMKAR/acknowledge"

    response = api_client(damkar_operator).post(path)
    again = api_client(damkar_operator).post(path)

    assert response.status_code == 200
    assert response.json()["status"] == IncidentStatus.ACKNOWLEDGED
    assert again.status_code == 409
    event = Event.objects.get(action="dispatch.acknowledged")
    assert event.actor == damkar_operator
    assert event.after == {"status": "acknowledged", "late": False}


def test_an_agency_cannot_acknowledge_for_another(
    dinkes_operator: User, damkar_operator: User, make_incident: MakeIncident
) -> None:
    both = make_incident(category="kecelakaan", agencies=("DAMKAR", "DINKES"))
    path = f"/api/v1/incidents/{both.number}/dispatches/DAMKAR/acknowledge"

    response = api_client(dinkes_operator).post(path)

    assert response.status_code == 404
    assert Dispatch.objects.get(agency__code="DAMKAR").status == DispatchStatus.SENT


def test_the_call_floor_cannot_acknowledge_for_an_agency(
    call_taker: User, make_incident: MakeIncident
) -> None:
    incident = make_incident(agencies=("DAMKAR",))
    path = f"/api/v1/incidents/{incident.number}/dispatches/DAMKAR/acknowledge"

    assert api_client(call_taker).post(path).status_code == 403


def test_an_agency_operator_cannot_dispatch(
    damkar_operator: User, make_incident: MakeIncident
) -> None:
    incident = make_incident(agencies=("DAMKAR",))

    response = dispatch_to(api_client(damkar_operator), incident.number, "POLRES")

    assert response.status_code == 403  # type: ignore[attr-defined]


def test_the_worker_escalates_a_late_dispatch_once(make_incident: MakeIncident) -> None:
    make_incident(agencies=("DAMKAR",))

    with time_machine.travel(timezone.now() + timedelta(minutes=4)):
        assert run_once() == 1
        assert run_once() == 0

    event = Event.objects.get(action="dispatch.escalated")
    assert event.actor is None and event.actor_name == "sistem"
    assert Dispatch.objects.get().escalated_at is not None
