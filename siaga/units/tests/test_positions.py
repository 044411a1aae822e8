"""Vehicle positions over HTTP: batches, the newest fix wins, bad fixes refused with
a clear 4xx, an agency reports only its own units, stale positions shown as such."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import time_machine
from django.test import override_settings
from django.utils import timezone

from siaga.accounts.models import User
from siaga.accounts.roles import Role
from siaga.testing import api_client, make_user
from siaga.units.actions import prune_unit_positions
from siaga.units.models import Unit, UnitPosition

URL = "/api/v1/units/DAMKAR-01/positions"


def post(client: Any, body: Any) -> Any:
    return client.post(URL, body, content_type="application/json")


def test_a_batch_moves_the_unit_to_its_newest_fix(damkar_operator: User) -> None:
    now = timezone.now()
    batch = {
        "positions": [
            {
                "lat": -6.18,
                "lon": 106.63,
                "at": (now - timedelta(seconds=20)).isoformat(),
            },
            {"lat": -6.181, "lon": 106.632, "at": now.isoformat(), "speed_kmh": 42},
            {
                "lat": -6.179,
                "lon": 106.631,
                "at": (now - timedelta(seconds=40)).isoformat(),
            },
        ]
    }

    response = post(api_client(damkar_operator), batch)

    assert response.status_code == 202 and response.json() == {"accepted": 3}
    unit = Unit.objects.get(call_sign="DAMKAR-01")
    assert (unit.lat, unit.lon) == (-6.181, 106.632)
    assert not unit.is_position_stale()
    assert UnitPosition.objects.filter(unit=unit).count() == 3
    # An older batch arriving late never moves the unit back.
    post(api_client(damkar_operator), {"positions": [batch["positions"][2]]})
    unit.refresh_from_db()
    assert (unit.lat, unit.lon) == (-6.181, 106.632)


def test_bad_fixes_are_refused_and_nothing_is_kept(damkar_operator: User) -> None:
    client = api_client(damkar_operator)
    future = (timezone.now() + timedelta(hours=1)).isoformat()

    bodies: list[dict[str, Any]] = [
        {"positions": [{"lat": 91, "lon": 106.6}]},
        {"positions": [{"lat": -6.1, "lon": 106.6, "at": future}]},
        {"positions": []},
        {"positions": [{"lat": "x", "lon": 1}]},
        {"positions": [{"lat": -6.1, "lon": 106.6, "speed_kmh": 1e999}]},
    ]
    for body in bodies:
        response = post(client, body)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "invalid_input"
    assert (
        client.post(URL, "{not json", content_type="application/json").status_code
        == 400
    )
    assert not UnitPosition.objects.exists()


def test_an_agency_reports_only_its_own_units(dinkes_operator: User) -> None:
    response = post(
        api_client(dinkes_operator), {"positions": [{"lat": -6.1, "lon": 106.6}]}
    )
    assert response.status_code == 404


def test_a_tracker_gateway_reports_any_unit_and_a_wallboard_none(
    wallboard: User,
) -> None:
    gateway = api_client(make_user("gps", Role.INTEGRATION))
    assert (
        post(gateway, {"positions": [{"lat": -6.1, "lon": 106.6}]}).status_code == 202
    )
    assert (
        post(
            api_client(wallboard), {"positions": [{"lat": -6.1, "lon": 106.6}]}
        ).status_code
        == 403
    )


@override_settings(SIAGA_AVL_RETENTION_DAYS=1)
def test_old_fixes_are_pruned_and_a_silent_unit_goes_stale(
    damkar_operator: User,
) -> None:
    post(api_client(damkar_operator), {"positions": [{"lat": -6.1, "lon": 106.6}]})
    unit = Unit.objects.get(call_sign="DAMKAR-01")

    with time_machine.travel(timezone.now() + timedelta(days=2)):
        assert unit.is_position_stale()
        assert prune_unit_positions() == 1
    assert not UnitPosition.objects.exists()


def test_the_units_list_shows_an_agency_its_own(
    damkar_operator: User, call_taker: User
) -> None:
    own = api_client(damkar_operator).get("/api/v1/units").json()
    everyone = api_client(call_taker).get("/api/v1/units").json()

    assert {u["agency"] for u in own} == {"DAMKAR"}
    assert len(everyone) > len(own)
