"""Malformed, oversized or hostile input gets a 4xx in the API's error format."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siaga.accounts.models import User
from siaga.incidents.models import Incident
from siaga.testing import api_client


def post_raw(client: Client, body: str | bytes) -> Any:
    return client.post("/api/v1/incidents", body, content_type="application/json")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("{not json", 400),
        (b"\xff\xfe\x00garbage", 400),
        ("[]", 422),
        ('{"category": 12}', 422),
        ('{"category": "kebakaran", "priority": 9}', 422),
        ('{"category": "kebakaran", "priority": "tinggi"}', 422),
        ('{"category": "tidak-ada"}', 422),
        ('{"category": "kebakaran", "description": "a\\u0000b"}', 422),
        ('{"category": "kebakaran", "location": {"lat": NaN, "lon": 106.6}}', 422),
        ('{"category": "kebakaran", "location": {"lat": -6.2}}', 422),
        ('{"category": "kebakaran", "location": {"lat": 200, "lon": 106.6}}', 422),
        ('{"category": "kebakaran", "location": {"landmark_id": 99999999}}', 422),
        ('{"category": "kebakaran", "people_count": 99999999999}', 422),
        ('{"category": "kebakaran", "agencies": ["NASA"]}', 422),
        ('{"category": "kebakaran", "contacts": ["not-a-uuid"]}', 422),
    ],
)
def test_bad_input_is_a_clear_4xx(call_taker: User, body: str, status: int) -> None:
    response = post_raw(api_client(call_taker), body)

    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] and error["message"]
    assert not Incident.objects.exists()


def test_field_errors_name_the_field(call_taker: User) -> None:
    body = '{"category": "kebakaran", "priority": 9}'
    response = post_raw(api_client(call_taker), body)

    assert response.json()["error"]["fields"] == {
        "priority": ["Input should be less than or equal to 5"]
    }


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_oversized_body_is_refused_with_413(call_taker: User) -> None:
    body = json.dumps({"category": "kebakaran", "description": "x" * 5000})
    response = post_raw(api_client(call_taker), body)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_an_unknown_incident_is_a_json_404(call_taker: User) -> None:
    response = api_client(call_taker).get("/api/v1/incidents/TNG-19990101-0001")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "category": st.sampled_from(["kebakaran", "medis", "", "x"]) | JSON,
        "priority": JSON,
        "description": JSON,
        "people_count": JSON,
        "location": JSON
        | st.fixed_dictionaries(
            {},
            optional={
                "lat": JSON,
                "lon": JSON,
                "uncertainty_m": JSON,
                "address": JSON,
                "landmark_id": JSON,
            },
        ),
        "agencies": JSON,
        "contacts": JSON,
    },
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(body=FIELDS)
def test_no_body_makes_the_api_fail_with_a_500(call_taker: User, body: Any) -> None:
    response = post_raw(api_client(call_taker), json.dumps(body))

    assert response.status_code in {201, 400, 403, 409, 422}, response.content
    assert response.status_code == 201 or "error" in response.json()


@pytest.mark.parametrize("body", ['"AAA"', "[]", "null", "0", "false"])
def test_a_patch_that_is_not_an_object_is_refused(
    call_taker: User, make_incident: Any, body: str
) -> None:
    incident = make_incident()
    response = api_client(call_taker).patch(
        f"/api/v1/incidents/{incident.number}", body, content_type="application/json"
    )

    assert response.status_code in {400, 422}, response.content
    assert response.json()["error"]["code"] in {"bad_request", "invalid_input"}
