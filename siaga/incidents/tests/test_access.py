"""Who may see and do what with incidents, through the API and through pages."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client

from siaga.accounts.models import User
from siaga.incidents.models import Incident
from siaga.testing import api_client, page_client

MakeIncident = Callable[..., Incident]


def test_an_agency_operator_cannot_read_another_agencys_incident(
    dinkes_operator: User, make_incident: MakeIncident
) -> None:
    fire = make_incident(agencies=("DAMKAR",))
    api, page = api_client(dinkes_operator), page_client(dinkes_operator)

    assert api.get(f"/api/v1/incidents/{fire.number}").status_code == 404
    assert api.get(f"/api/v1/incidents/{fire.number}/events").status_code == 404
    assert page.get(f"/insiden/{fire.number}/").status_code == 404
    listed = api.get("/api/v1/incidents").json()
    assert fire.number not in [item["number"] for item in listed["items"]]
    assert fire.number not in page.get("/insiden/?semua=1").content.decode()


def test_an_agency_operator_reads_its_own_incident(
    damkar_operator: User, make_incident: MakeIncident
) -> None:
    fire = make_incident(agencies=("DAMKAR",))
    other = make_incident(category="medis", agencies=("DINKES",))

    api, page = api_client(damkar_operator), page_client(damkar_operator)

    assert api.get(f"/api/v1/incidents/{fire.number}").status_code == 200
    assert page.get(f"/insiden/{fire.number}/").status_code == 200
    numbers = [item["number"] for item in api.get("/api/v1/incidents").json()["items"]]
    assert numbers == [fire.number]
    assert other.number not in page.get("/insiden/").content.decode()


@pytest.mark.parametrize("persona", ["damkar_operator", "wallboard"])
def test_read_only_roles_cannot_open_or_change_incidents(
    persona: str, request: pytest.FixtureRequest, make_incident: MakeIncident
) -> None:
    user: User = request.getfixturevalue(persona)
    fire = make_incident(agencies=("DAMKAR",))
    api = api_client(user)

    created = api.post(
        "/api/v1/incidents",
        json.dumps({"category": "kebakaran"}),
        content_type="application/json",
    )
    changed = api.patch(
        f"/api/v1/incidents/{fire.number}",
        json.dumps({"priority": 5}),
        content_type="application/json",
    )
    moved = api.post(
        f"/api/v1/incidents/{fire.number}/status",
        json.dumps({"status": "resolved"}),
        content_type="application/json",
    )

    assert [created.status_code, changed.status_code, moved.status_code] == [403] * 3
    assert created.json()["error"]["code"] == "forbidden"
    fire.refresh_from_db()
    assert fire.priority == 1


def test_the_wallboard_sees_every_incident_but_no_contacts(
    wallboard: User, make_incident: MakeIncident
) -> None:
    fire = make_incident()
    api = api_client(wallboard)

    assert api.get(f"/api/v1/incidents/{fire.number}").status_code == 200
    assert api.get("/api/v1/contacts").status_code == 403


def test_the_api_refuses_anonymous_callers_with_json() -> None:
    response = Client().get("/api/v1/incidents")

    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "unauthorized", "message": "Unauthorized"}
    }


def test_a_forged_token_is_refused(call_taker: User) -> None:
    api_client(call_taker)  # a real token exists; the forged one shares nothing with it
    forged = Client(headers={"Authorization": "Bearer sg_000000000000_forged"})

    assert forged.get("/api/v1/incidents").status_code == 401


def test_pages_send_anonymous_visitors_to_the_login_page(
    make_incident: MakeIncident,
) -> None:
    fire = make_incident()
    for path in ["/insiden/", f"/insiden/{fire.number}/", "/"]:
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/akun/masuk/")


def test_a_session_post_without_csrf_is_refused(call_taker: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(call_taker)

    response = client.post(
        "/api/v1/incidents",
        json.dumps({"category": "kebakaran"}),
        content_type="application/json",
    )

    assert response.status_code == 403
    assert not Incident.objects.exists()


def test_the_console_list_costs_a_fixed_number_of_queries(
    call_taker: User,
    make_incident: MakeIncident,
    django_assert_max_num_queries: Callable[[int], object],
) -> None:
    for _ in range(5):
        make_incident(agencies=("DAMKAR", "POLRES"))
    client = page_client(call_taker)

    with django_assert_max_num_queries(6):  # type: ignore[attr-defined]
        response = client.get("/insiden/")

    assert response.status_code == 200
    assert response.content.decode().count("TNG-") >= 5
