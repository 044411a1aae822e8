"""The supervisor's alert page: issue and cancel from the browser; others refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from siaga.accounts.models import User
from siaga.alerts.models import Alert, MsgType
from siaga.alerts.tests.helpers import make_alert
from siaga.testing import page_client


def form(**fields: str) -> dict[str, str | list[str]]:
    expires = timezone.localtime() + timedelta(hours=6)
    values: dict[str, str | list[str]] = {
        "status": "Actual",
        "category": "Met",
        "event": "Banjir",
        "urgency": "Immediate",
        "severity": "Severe",
        "certainty": "Observed",
        "headline": "Banjir di Kec. Periuk",
        "expires": expires.strftime("%Y-%m-%dT%H:%M"),
        "areas": ["36.71.08"],
    }
    return values | fields


def test_a_supervisor_sees_the_page(
    supervisor: User, django_assert_max_num_queries: Callable[[int], object]
) -> None:
    for _ in range(3):
        make_alert(supervisor)
    client = page_client(supervisor)

    with django_assert_max_num_queries(12):  # type: ignore[attr-defined]
        response = client.get("/peringatan/")

    assert response.status_code == 200
    assert "Terbitkan peringatan" in response.content.decode()
    assert "Periuk" in response.content.decode()


def test_a_supervisor_issues_from_the_form(supervisor: User) -> None:
    response = page_client(supervisor).post("/peringatan/", form())

    assert response.status_code == 302
    alert = Alert.objects.get()
    assert alert.headline == "Banjir di Kec. Periuk"
    assert alert.issued_by == supervisor
    assert [a.code for a in alert.areas.all()] == ["36.71.08"]


def test_a_circle_can_stand_in_for_an_area(supervisor: User) -> None:
    data = form(circle_lat="-6.17", circle_lon="106.59", circle_radius_km="1.5")
    data["areas"] = []

    response = page_client(supervisor).post("/peringatan/", data)

    assert response.status_code == 302
    assert Alert.objects.get().areas.get().circles == ["-6.17,106.59 1.5"]


@pytest.mark.parametrize(
    "changes",
    [
        {"areas": []},
        {"expires": "2020-01-01T00:00"},
        {"headline": ""},
        {"circle_lat": "-6.17"},
    ],
)
def test_bad_forms_are_shown_again_with_the_error(
    supervisor: User, changes: dict[str, str]
) -> None:
    response = page_client(supervisor).post("/peringatan/", form(**changes))

    assert response.status_code == 422
    assert 'class="error"' in response.content.decode()
    assert not Alert.objects.exists()


def test_a_supervisor_cancels_from_the_page(supervisor: User) -> None:
    alert = make_alert(supervisor)

    response = page_client(supervisor).post(
        f"/peringatan/{alert.identifier}/batal/", {"note": "air surut"}
    )

    assert response.status_code == 302
    cancel = Alert.objects.get(previous=alert)
    assert (cancel.msg_type, cancel.note) == (MsgType.CANCEL, "air surut")


@pytest.mark.parametrize(
    "persona", ["call_taker", "room_operator", "damkar_operator", "wallboard"]
)
def test_other_roles_are_refused_the_page(
    persona: str, supervisor: User, request: pytest.FixtureRequest
) -> None:
    alert = make_alert(supervisor)
    client = page_client(request.getfixturevalue(persona))

    assert client.get("/peringatan/").status_code == 403
    assert client.post("/peringatan/", form()).status_code == 403
    assert client.post(f"/peringatan/{alert.identifier}/batal/").status_code == 403
    assert Alert.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    for path in ["/peringatan/", "/peringatan/X/batal/"]:
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/akun/masuk/")
