"""Alerts over the API: who may issue, what anyone may read, what bad input gets."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siaga.accounts.models import User
from siaga.alerts.models import Alert, MsgType
from siaga.alerts.tests.capcheck import check_cap
from siaga.alerts.tests.helpers import body, make_alert
from siaga.events.models import Event
from siaga.testing import api_client


def post(client: Client, path: str, data: object) -> Any:
    return client.post(path, json.dumps(data), content_type="application/json")


def test_a_supervisor_issues_an_alert(supervisor: User) -> None:
    response = post(api_client(supervisor), "/api/v1/alerts", body())

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["identifier"].startswith("TNG-ALERT-")
    assert data["msg_type"] == "Alert"
    assert data["is_current"] is True
    assert data["areas"][0]["description"] == "Kec. Tangerang, Kota Tangerang"
    assert data["cap_url"].endswith(f"/api/v1/alerts/{data['identifier']}.cap.xml")
    event = Event.objects.get(action="alert.issued")
    assert event.actor == supervisor
    assert event.after is not None
    assert event.after["identifier"] == data["identifier"]
    assert event.after["areas"] == ["Kec. Tangerang, Kota Tangerang"]


def test_an_admin_issues_an_alert(admin_user: User) -> None:
    response = post(api_client(admin_user), "/api/v1/alerts", body())

    assert response.status_code == 201


@pytest.mark.parametrize(
    "persona", ["call_taker", "room_operator", "damkar_operator", "wallboard"]
)
def test_other_roles_cannot_issue_update_or_cancel(
    persona: str, supervisor: User, request: pytest.FixtureRequest
) -> None:
    alert = make_alert(supervisor)
    client = api_client(request.getfixturevalue(persona))
    events = Event.objects.count()

    issued = post(client, "/api/v1/alerts", body())
    updated = post(client, f"/api/v1/alerts/{alert.identifier}/update", body())
    cancelled = post(client, f"/api/v1/alerts/{alert.identifier}/cancel", {})

    assert (issued.status_code, updated.status_code, cancelled.status_code) == (
        403,
        403,
        403,
    )
    assert issued.json()["error"]["code"] == "forbidden"
    assert Alert.objects.count() == 1
    assert Event.objects.count() == events


def test_anonymous_callers_cannot_issue_or_read_the_json(supervisor: User) -> None:
    alert = make_alert(supervisor)

    assert post(Client(), "/api/v1/alerts", body()).status_code == 401
    assert (
        post(Client(), f"/api/v1/alerts/{alert.identifier}/cancel", {}).status_code
        == 401
    )
    assert Client().get("/api/v1/alerts").status_code == 401
    assert Client().get(f"/api/v1/alerts/{alert.identifier}").status_code == 401
    assert Alert.objects.count() == 1


def test_the_cap_document_is_public(supervisor: User) -> None:
    alert = make_alert(supervisor)

    response = Client().get(f"/api/v1/alerts/{alert.identifier}.cap.xml")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/cap+xml"
    assert check_cap(response.content) == []


def test_a_draft_is_not_published(supervisor: User) -> None:
    draft = make_alert(supervisor, status="Draft")

    response = Client().get(f"/api/v1/alerts/{draft.identifier}.cap.xml")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_staff_read_alerts_as_json(supervisor: User, call_taker: User) -> None:
    alert = make_alert(supervisor)
    expired = make_alert(supervisor)
    Alert.objects.filter(pk=expired.pk).update(
        effective_at=timezone.now() - timedelta(hours=3),
        expires_at=timezone.now() - timedelta(hours=1),
    )
    client = api_client(call_taker)

    listed = client.get("/api/v1/alerts").json()
    current = client.get("/api/v1/alerts?current=true").json()
    one = client.get(f"/api/v1/alerts/{alert.identifier}")

    assert listed["count"] == 2
    assert [a["identifier"] for a in current["items"]] == [alert.identifier]
    assert one.status_code == 200
    assert one.json()["headline"] == alert.headline
    assert client.get("/api/v1/alerts/TNG-ALERT-nope").status_code == 404


def test_a_supervisor_updates_then_cancels(supervisor: User) -> None:
    alert = make_alert(supervisor)
    client = api_client(supervisor)

    updated = post(
        client,
        f"/api/v1/alerts/{alert.identifier}/update",
        body(headline="Banjir meluas", note="meluas"),
    )
    stale = post(client, f"/api/v1/alerts/{alert.identifier}/cancel", {})
    new_id = updated.json()["identifier"]
    cancelled = post(client, f"/api/v1/alerts/{new_id}/cancel", {"note": "surut"})
    again = post(client, f"/api/v1/alerts/{new_id}/cancel", {})

    assert updated.status_code == 201, updated.content
    assert updated.json()["replaces"] == alert.identifier
    assert stale.status_code == 409
    assert cancelled.status_code == 201
    assert cancelled.json()["msg_type"] == MsgType.CANCEL
    assert cancelled.json()["references"].count(",") == 4  # two triplets
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "illegal_transition"
    actions = list(
        Event.objects.filter(action__startswith="alert.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["alert.issued", "alert.updated", "alert.cancelled"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {
                "effective": "2026-12-05T12:00:00+07:00",
                "expires": "2026-12-05T10:00:00+07:00",
            },
            "expires",
        ),
        ({"expires": "2020-01-01T00:00:00+07:00"}, "expires"),
        ({"areas": []}, "areas"),
        ({"areas": ["99.99"]}, "areas"),
        ({"areas": ["36.74"]}, "areas"),  # a neighbour, not our jurisdiction
        ({"areas": ["36.71.01.1001"]}, "areas"),  # a kelurahan without a boundary
        ({"urgency": "Soon"}, "urgency"),
        ({"category": "Weather"}, "category"),
        ({"headline": "x" * 161}, "headline"),
        ({"headline": ""}, "headline"),
        ({"headline": "Banjir\x07"}, "headline"),
        ({"description": "a\x00b"}, "description"),
        ({"web": "tangerangkota.go.id"}, "web"),
        ({"headline_en": "Flood"}, "event_en"),
        (
            {"circles": [{"lat": -6.17, "lon": 106.6, "radius_km": 0}]},
            "circles.0.radius_km",
        ),
        ({"circles": [{"lat": 106.6, "lon": -6.17, "radius_km": 1}]}, "circles.0.lat"),
        ({"expires": "3000-01-01T00:00:00+07:00"}, "expires"),
    ],
)
def test_bad_input_is_a_422_in_the_error_format(
    supervisor: User, changes: dict[str, Any], field: str
) -> None:
    response = post(api_client(supervisor), "/api/v1/alerts", body(**changes))

    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert field in error["fields"], error
    assert not Alert.objects.exists()


def test_a_body_that_is_not_an_object_is_refused(supervisor: User) -> None:
    for raw in ['"AAA"', "[]", "null", "{"]:
        response = api_client(supervisor).post(
            "/api/v1/alerts", raw, content_type="application/json"
        )
        assert response.status_code in {400, 422}, raw


TEXT = st.text(max_size=200)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(headline=TEXT, description=TEXT)
def test_any_text_is_escaped_or_refused_never_a_500(
    supervisor: User, headline: str, description: str
) -> None:
    response = post(
        api_client(supervisor),
        "/api/v1/alerts",
        body(headline=headline, description=description),
    )

    assert response.status_code in {201, 422}, response.content
    if response.status_code == 422:
        assert response.json()["error"]["code"] == "invalid_input"
        return
    identifier = response.json()["identifier"]
    document = Client().get(f"/api/v1/alerts/{identifier}.cap.xml").content
    assert check_cap(document) == []
    assert (
        response.json()["headline"]
        == headline.replace("\r\n", "\n").replace("\r", "\n").strip()
    )
