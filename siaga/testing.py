"""Helpers for tests: personas and clients. Fixtures live in the root conftest.py."""

from __future__ import annotations

from django.test import Client

from siaga.accounts.actions import create_user, issue_api_token
from siaga.accounts.models import User
from siaga.agencies.models import Agency

PASSWORD = "kata-sandi-uji-112"  # noqa: S105 (test accounts only)


def make_user(username: str, role: str, agency_code: str = "") -> User:
    agency = Agency.objects.get(code=agency_code) if agency_code else None
    return create_user(
        username=username, password=PASSWORD, role=role, agency=agency, actor=None
    )


def api_client(user: User) -> Client:
    """A client that calls the API with the user's bearer token."""
    _, token = issue_api_token(user=user, name="test", actor=None)
    return Client(headers={"Authorization": f"Bearer {token}"})


def page_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
