from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client

from siaga.accounts.actions import revoke_api_token
from siaga.accounts.models import ApiToken, User
from siaga.events.models import Event


def test_create_token_prints_a_token_that_works(call_taker: User) -> None:
    out = StringIO()
    call_command("create_token", "--user", "sari", "--name", "PBX", stdout=out)
    token = out.getvalue().strip()

    response = Client(headers={"Authorization": f"Bearer {token}"}).get(
        "/api/v1/incidents"
    )

    assert response.status_code == 200
    stored = ApiToken.objects.get()
    assert token not in (stored.prefix, stored.token_digest)
    assert stored.token_digest == ApiToken.digest(token)
    issued = Event.objects.get(action="api_token.issued")
    assert token not in str(issued.after)


def test_a_revoked_token_is_refused(call_taker: User) -> None:
    out = StringIO()
    call_command("create_token", "--user", "sari", stdout=out)
    token = out.getvalue().strip()

    revoke_api_token(ApiToken.objects.get(), actor=None)

    client = Client(headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/v1/incidents").status_code == 401


def test_a_deactivated_users_token_is_refused(call_taker: User) -> None:
    out = StringIO()
    call_command("create_token", "--user", "sari", stdout=out)
    User.objects.filter(pk=call_taker.pk).update(is_active=False)

    client = Client(headers={"Authorization": f"Bearer {out.getvalue().strip()}"})
    assert client.get("/api/v1/incidents").status_code == 401


def test_a_token_for_an_unknown_user_is_an_error(db: None) -> None:
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no active user"):
        call_command("create_token", "--user", "nobody")
