"""While the database cannot answer, pages and the API say 503 with Retry-After (the
failover test sees it end to end); a real fault stays a 500."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from siaga.accounts.models import User
from siaga.testing import api_client, page_client

GONE = OperationalError("could not connect to server: Connection refused")


@pytest.mark.parametrize("client_of", [page_client, api_client])
def test_a_lost_database_is_a_503_to_retry(call_taker: User, client_of: object) -> None:
    client: Client = client_of(call_taker)  # type: ignore[operator]
    client.raise_request_exception = False
    path = "/insiden/" if client_of is page_client else "/api/v1/incidents"
    target = (
        "siaga.incidents.views.Incident.objects.visible_to"
        if client_of is page_client
        else "siaga.incidents.api.visible_incidents"
    )
    with mock.patch(target, side_effect=GONE):
        response = client.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    if client_of is api_client:
        assert response.json()["error"]["code"] == "unavailable"


def test_a_real_fault_stays_a_500(call_taker: User) -> None:
    client = page_client(call_taker)
    client.raise_request_exception = False
    with mock.patch(
        "siaga.incidents.views.Incident.objects.visible_to",
        side_effect=ZeroDivisionError,
    ):
        assert client.get("/insiden/").status_code == 500
