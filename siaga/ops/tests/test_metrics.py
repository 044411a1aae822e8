"""/metrics: Prometheus' text, for the scrape token or an operator's session only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client, override_settings

from siaga.accounts.roles import Role
from siaga.incidents.models import Incident
from siaga.ops.worker import beat
from siaga.testing import make_user, page_client

TOKEN = "scrape-" + "x" * 40


def value_of(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(f"{name} ") or line.startswith(f"{name}{{"):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name} not in the metrics")


@override_settings(SIAGA_METRICS_TOKEN=TOKEN)
def test_the_scrape_shows_queues_timers_database_and_workers(
    make_incident: Callable[..., Incident],
) -> None:
    make_incident(agencies=("DAMKAR", "POLRES"))  # two dispatches awaiting an answer
    beat(now=True)
    Client().get("/healthz")

    response = Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert value_of(text, "siaga_dispatches_awaiting_acknowledgement") == 2
    assert value_of(text, "siaga_dispatch_oldest_unacknowledged_seconds") >= 0
    assert value_of(text, "siaga_database_up") == 1
    assert value_of(text, "siaga_database_primary") == 1
    assert value_of(text, "siaga_live_consoles") == 0
    assert value_of(text, "siaga_worker_heartbeat_age_seconds") < 60
    assert 'siaga_http_requests_total{method="GET",status="200"}' in text


@override_settings(SIAGA_METRICS_TOKEN=TOKEN)
@pytest.mark.parametrize("given", ["", "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_a_scrape_without_the_token_is_refused(db: None, given: str) -> None:
    response = Client().get("/metrics", HTTP_AUTHORIZATION=given)
    assert response.status_code == 403
    assert b"siaga_" not in response.content


@pytest.mark.parametrize("role", sorted(Role.values))
def test_only_those_who_operate_the_servers_read_it_in_a_session(
    db: None, role: str
) -> None:
    user = make_user(
        f"m-{role}", role, "DAMKAR" if "agency" in role or role == "responder" else ""
    )
    status = page_client(user).get("/metrics").status_code
    assert status == (200 if role in {Role.SUPERVISOR, Role.ADMIN} else 403), role
