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


def test_a_token_does_only_what_its_scopes_name(call_taker: User) -> None:
    """The PBX's token submits calls; the same account's session could do more."""
    out = StringIO()
    call_command(
        "create_token", "--user", "sari", "--name", "PBX",
        "--scope", "submit_reports", stdout=out,
    )  # fmt: skip
    client = Client(headers={"Authorization": f"Bearer {out.getvalue().strip()}"})

    ringing = {"call_id": "c-1", "event": "ringing", "caller": "081234567890"}
    assert (
        client.post("/hooks/telephony", ringing, "application/json").status_code < 300
    )
    assert client.get("/api/v1/incidents").status_code == 403
    assert client.get("/api/v1/contacts").status_code == 403
    assert ApiToken.objects.get().scopes == ["submit_reports"]
    issued = Event.objects.get(action="api_token.issued")
    assert issued.after is not None and issued.after["scopes"] == ["submit_reports"]


def test_a_token_never_holds_more_than_its_role(call_taker: User) -> None:
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="does not hold administer"):
        call_command("create_token", "--user", "sari", "--scope", "administer")
    assert not ApiToken.objects.exists()


def test_without_scopes_a_token_holds_its_roles_capabilities(call_taker: User) -> None:
    from siaga.accounts.roles import ROLE_CAPABILITIES

    call_command("create_token", "--user", "sari", stdout=StringIO())

    assert set(ApiToken.objects.get().scopes) == ROLE_CAPABILITIES[call_taker.role]
