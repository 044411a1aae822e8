"""The servers page: only those who operate the servers see it; a supervisor plans
and cancels a failover drill, and each is in the event log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from siaga.accounts.models import User
from siaga.accounts.roles import AGENCY_ROLES, Role
from siaga.cluster.models import Switchover, SwitchoverOutcome
from siaga.events.models import Event
from siaga.lib.fields import WIB
from siaga.testing import make_user, page_client

PAGES = [
    ("get", "/server/"),
    ("post", "/server/latihan/"),
    ("post", "/server/latihan/1/batal/"),
    ("post", "/server/kertas/"),
]


@pytest.mark.parametrize(("method", "path"), PAGES)
@pytest.mark.parametrize("role", sorted(Role.values))
def test_only_supervisors_and_admins_reach_the_servers_page(
    db: None, role: str, method: str, path: str
) -> None:
    user = make_user(f"s-{role}", role, "DAMKAR" if role in AGENCY_ROLES else "")
    status = getattr(page_client(user), method)(path).status_code
    if role in {Role.SUPERVISOR, Role.ADMIN}:
        assert status in {200, 302, 404}, (role, path, status)
    else:
        assert status == 403, (role, path, status)


def test_the_page_shows_this_server(supervisor: User) -> None:
    page = page_client(supervisor).get("/server/").content.decode()
    if connection.vendor == "postgresql":
        assert "Utama (menerima tulisan)" in page
    else:
        assert "Satu server (SQLite bawaan)" in page


def test_a_supervisor_plans_and_cancels_a_drill(supervisor: User) -> None:
    client = page_client(supervisor)
    at = (timezone.now() + timedelta(days=1)).astimezone(WIB)

    client.post("/server/latihan/", {"at": at.strftime("%Y-%m-%dT%H:%M"), "note": "Q4"})

    drill = Switchover.objects.get()
    assert drill.outcome == SwitchoverOutcome.PLANNED
    assert drill.scheduled_for == at.replace(second=0, microsecond=0)
    assert drill.requested_by == supervisor
    assert "Q4" in client.get("/server/").content.decode()
    again = client.post(
        "/server/latihan/", {"at": at.strftime("%Y-%m-%dT%H:%M")}, follow=True
    )
    assert "already planned" in again.content.decode()

    client.post(f"/server/latihan/{drill.pk}/batal/")

    drill.refresh_from_db()
    assert drill.outcome == SwitchoverOutcome.CANCELLED
    assert list(
        Event.objects.filter(target_type="switchover")
        .values_list("action", flat=True)
        .order_by("id")
    ) == [
        "cluster.drill_scheduled",
        "cluster.drill_cancelled",
    ]


@pytest.mark.parametrize(
    "given", ["", "besok pagi", "2026-13-40T99:00", "2020-01-01T00:00"]
)
def test_a_drill_at_no_valid_time_is_refused(supervisor: User, given: str) -> None:
    response = page_client(supervisor).post(
        "/server/latihan/", {"at": given}, follow=True
    )
    assert response.status_code == 200
    assert not Switchover.objects.exists()
