"""Schemathesis generates requests from the OpenAPI document; none may end in a 500.

It also checks that every answer matches the document (status codes and bodies), so the
document stays true as the API grows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from siaga.accounts.actions import issue_api_token
from siaga.accounts.models import User
from siaga.accounts.roles import AGENCY_ROLES, Role
from siaga.alerts.tests.helpers import make_alert
from siaga.incidents.models import Incident
from siaga.intake.actions import record_contact
from siaga.testing import make_user

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Like Django's test client, keep the request cycle from closing the connection
    that holds the test's transaction (it would on PostgreSQL)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token_header(supervisor: User) -> dict[str, str]:
    _, token = issue_api_token(user=supervisor, name="schemathesis", actor=None)
    return {"Authorization": f"Bearer {token}"}


from siaga.tests.test_access_matrix import incoming_referral  # noqa: E402


@pytest.fixture
def known_ids(make_incident: Callable[..., Incident]) -> dict[str, str]:
    """Real path parameters, so generated bodies reach the actions, not just a 404."""
    incident = make_incident(agencies=("DAMKAR",))
    contact, _ = record_contact(channel="call", sender="081234567890", actor=None)
    return {
        "number": incident.number,
        "agency": "DAMKAR",
        "contact_id": str(contact.public_id),
        "referral_id": str(incoming_referral().public_id),
        "call_sign": "DAMKAR-01",
        "identifier": make_alert().identifier,
    }


def call_and_validate(
    case: schemathesis.Case[Any], headers: dict[str, str], known_ids: dict[str, str]
) -> None:
    if case.path_parameters:
        case.path_parameters |= {k: known_ids[k] for k in case.path_parameters}
    case.call_and_validate(headers=headers, checks=CHECKS)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_document(
    case: schemathesis.Case[Any],
    token_header: dict[str, str],
    known_ids: dict[str, str],
    keep_test_connection: None,
) -> None:
    call_and_validate(case, token_header, known_ids)


@pytest.fixture(params=[Role.AGENCY_OPERATOR, Role.WALLBOARD, Role.INTEGRATION])
def other_role_header(request: pytest.FixtureRequest, db: None) -> dict[str, str]:
    """Another role's token: mostly refused, and each refusal must be documented."""
    role = request.param
    user = make_user(f"fuzz-{role}", role, "DAMKAR" if role in AGENCY_ROLES else "")
    _, token = issue_api_token(user=user, name="schemathesis", actor=None)
    return {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_role_keeps_the_document_too(
    case: schemathesis.Case[Any],
    other_role_header: dict[str, str],
    known_ids: dict[str, str],
    keep_test_connection: None,
) -> None:
    call_and_validate(case, other_role_header, known_ids)
