from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from siaga.accounts.models import User
from siaga.events.models import Event
from siaga.incidents.models import Incident, IncidentStatus
from siaga.testing import api_client

MakeIncident = Callable[..., Incident]
FIRE_AT_PASAR_ANYAR = {
    "category": "kebakaran",
    "description": "Rumah terbakar, asap tebal, dekat Pasar Anyar",
    "people_count": 3,
    "location": {
        "lat": -6.1746,
        "lon": 106.6339,
        "uncertainty_m": 50,
        "address": "Gg. Mawar",
    },
    "agencies": ["DAMKAR", "POLRES"],
}


def post(client: Client, path: str, body: Any) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def patch(client: Client, path: str, body: Any) -> Any:
    return client.patch(path, json.dumps(body), content_type="application/json")


def test_it_opens_an_incident_and_logs_the_event(call_taker: User) -> None:
    response = post(api_client(call_taker), "/api/v1/incidents", FIRE_AT_PASAR_ANYAR)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("TNG-")
    assert body["priority"] == 1  # the category's default
    assert body["status"] == IncidentStatus.DISPATCHED
    assert [d["agency"] for d in body["dispatches"]] == ["DAMKAR", "POLRES"]
    assert body["location"]["kecamatan"] == "Tangerang"
    assert body["location"]["jurisdiction"] == "Kota Tangerang"
    incident = Incident.objects.get(number=body["number"])
    opened = Event.objects.get(incident=incident, action="incident.opened")
    assert opened.actor == call_taker
    assert opened.actor_name == "sari"
    assert (
        opened.after is not None and opened.after["description"] == incident.description
    )
    actions = list(
        Event.objects.for_incident(incident.pk).values_list("action", flat=True)
    )
    assert actions == [
        "incident.opened",
        "dispatch.sent",
        "incident.status_changed",
        "dispatch.sent",
    ]


def test_it_flags_an_incident_beyond_the_city_border(call_taker: User) -> None:
    body = FIRE_AT_PASAR_ANYAR | {"location": {"lat": -6.30, "lon": 106.70}}
    response = post(api_client(call_taker), "/api/v1/incidents", body)

    assert response.status_code == 201
    location = response.json()["location"]
    assert location["jurisdiction"] == "Kota Tangerang Selatan"
    assert location["is_outside_home"] is True


def test_it_places_an_incident_at_a_landmark(call_taker: User) -> None:
    from siaga.areas.models import Landmark

    situ = Landmark.objects.get(name="Situ Cipondoh")
    body = {"category": "tenggelam", "location": {"landmark_id": situ.pk}}
    response = post(api_client(call_taker), "/api/v1/incidents", body)

    assert response.status_code == 201
    location = response.json()["location"]
    assert (location["lat"], location["lon"]) == (situ.lat, situ.lon)
    assert location["landmark"] == "Situ Cipondoh"
    assert location["kecamatan"] == "Cipondoh"


def test_it_lists_and_reads_incidents(
    call_taker: User, make_incident: MakeIncident
) -> None:
    incident = make_incident()
    client = api_client(call_taker)

    listed = client.get("/api/v1/incidents?open=true").json()
    read = client.get(f"/api/v1/incidents/{incident.number}").json()

    assert incident.number in [item["number"] for item in listed["items"]]
    assert read["number"] == incident.number


def test_an_illegal_transition_is_refused_and_changes_nothing(
    call_taker: User, make_incident: MakeIncident
) -> None:
    incident = make_incident(agencies=())
    client = api_client(call_taker)
    events_before = Event.objects.count()

    response = post(
        client,
        f"/api/v1/incidents/{incident.number}/status",
        {"status": "on_scene"},
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "illegal_transition"
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.NEW
    assert Event.objects.count() == events_before


def test_a_closed_incident_stays_closed(
    call_taker: User, make_incident: MakeIncident
) -> None:
    incident = make_incident(agencies=())
    client = api_client(call_taker)
    path = f"/api/v1/incidents/{incident.number}/status"
    assert post(client, path, {"status": "resolved"}).status_code == 200
    assert post(client, path, {"status": "closed"}).status_code == 200

    reopened = post(client, path, {"status": "new"})
    edited = patch(client, f"/api/v1/incidents/{incident.number}", {"priority": 2})

    assert reopened.status_code == 409
    assert edited.status_code == 409
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.CLOSED
    assert incident.closed_at is not None


@pytest.mark.parametrize("status", ["dispatched", "merged"])
def test_statuses_with_their_own_action_are_refused(
    call_taker: User, make_incident: MakeIncident, status: str
) -> None:
    incident = make_incident(agencies=())
    response = post(
        api_client(call_taker),
        f"/api/v1/incidents/{incident.number}/status",
        {"status": status},
    )
    assert response.status_code == 409


def test_cancelling_needs_a_reason(
    call_taker: User, make_incident: MakeIncident
) -> None:
    incident = make_incident(agencies=())
    client = api_client(call_taker)
    path = f"/api/v1/incidents/{incident.number}/status"

    refused = post(client, path, {"status": "cancelled"})
    accepted = post(client, path, {"status": "cancelled", "reason": "laporan palsu"})

    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == {
        "reason": ["say why the incident is cancelled"]
    }
    assert accepted.status_code == 200
    event = Event.objects.filter(incident__number=incident.number).latest("id")
    assert event.after == {"status": "cancelled", "reason": "laporan palsu"}


def test_it_edits_an_incident_and_logs_only_the_change(
    call_taker: User, make_incident: MakeIncident
) -> None:
    incident = make_incident()
    response = patch(
        api_client(call_taker),
        f"/api/v1/incidents/{incident.number}",
        {"priority": 2, "people_count": 4, "category": "penyelamatan"},
    )

    assert response.status_code == 200, response.content
    assert response.json()["category"] == "penyelamatan"
    event = Event.objects.filter(incident=incident, action="incident.updated").get()
    assert event.before == {
        "priority": 1,
        "people_count": None,
        "category": incident.category_id,
    }
    assert event.after is not None and event.after["priority"] == 2


def test_it_moves_the_incident_when_the_location_changes(
    call_taker: User, make_incident: MakeIncident
) -> None:
    incident = make_incident()
    response = patch(
        api_client(call_taker),
        f"/api/v1/incidents/{incident.number}",
        {"location": {"lat": -6.2255, "lon": 106.7120, "address": "Mall Ciledug"}},
    )

    assert response.json()["location"]["kecamatan"] == "Ciledug"


def test_reference_categories_carry_their_routing(call_taker: User) -> None:
    categories = api_client(call_taker).get("/api/v1/categories").json()
    fire = next(c for c in categories if c["code"] == "kebakaran")
    assert fire["default_agencies"] == ["DAMKAR", "POLRES"]
    assert fire["default_priority"] == 1


def test_duplicates_are_the_consoles_suggestions_nearest_first(
    call_taker: User, make_incident: MakeIncident
) -> None:
    near = make_incident(category="pohon-tumbang", agencies=("DKP",))
    make_incident(category="pohon-tumbang", agencies=("DKP",), lat=-6.20, lon=106.70)
    client = api_client(call_taker)

    found = client.get(
        "/api/v1/duplicates",
        {"category": "pohon-tumbang", "lat": "-6.1750", "lon": "106.6340"},
    )
    nothing = client.get("/api/v1/duplicates")
    unknown = client.get("/api/v1/duplicates", {"category": "nope"})
    half = client.get("/api/v1/duplicates", {"lat": "-6.17"})
    bad = client.get("/api/v1/duplicates", {"lat": "91", "lon": "x"})

    assert found.status_code == 200
    assert [row["number"] for row in found.json()] == [near.number]
    assert found.json()[0]["distance_m"] < 100
    assert found.json()[0]["status"] == "dispatched"
    assert nothing.status_code == 200 and nothing.json() == []
    assert unknown.status_code == half.status_code == bad.status_code == 422
    assert "unknown category" in unknown.json()["error"]["message"]


def test_at_the_same_point_the_newest_duplicate_comes_first(
    call_taker: User, make_incident: MakeIncident
) -> None:
    older = make_incident(category="pohon-tumbang", agencies=("DKP",))
    newer = make_incident(category="pohon-tumbang", agencies=("DKP",))

    found = api_client(call_taker).get(
        "/api/v1/duplicates",
        {"category": "pohon-tumbang", "lat": str(older.lat), "lon": str(older.lon)},
    )

    assert [row["number"] for row in found.json()] == [newer.number, older.number]


def test_contacts_an_incident_is_opened_from_are_classified_as_emergencies(
    call_taker: User,
) -> None:
    from siaga.intake.actions import classify_contact, record_contact

    waiting, _ = record_contact(channel="sms", sender="081200001111", actor=None)
    decided, _ = record_contact(channel="sms", sender="081200002222", actor=None)
    classify_contact(decided, classification="duplicate", actor=None)

    response = post(
        api_client(call_taker),
        "/api/v1/incidents",
        {
            "category": "kebakaran",
            "contacts": [str(waiting.public_id), str(decided.public_id)],
        },
    )

    assert response.status_code == 201
    waiting.refresh_from_db()
    decided.refresh_from_db()
    assert waiting.classification == "emergency" and waiting.incident is not None
    assert decided.classification == "duplicate"  # a decision already made stays
    assert decided.incident == waiting.incident
