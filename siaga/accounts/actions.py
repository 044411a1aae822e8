"""Actions on users and API tokens."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from siaga.accounts.models import ApiToken, User
from siaga.accounts.roles import AGENCY_ROLES, Role
from siaga.agencies.models import Agency
from siaga.events.actions import save_configuration
from siaga.events.log import append_event
from siaga.lib.errors import Conflict

TOKEN_PREFIX = "sg"  # noqa: S105 (a label, not a secret)


@transaction.atomic
def save_user(
    user: User, *, actor: User | None, save_related: Callable[[], None] | None = None
) -> None:
    """Create or change a user. Only the admin role reaches the Django admin."""
    user.is_staff = user.is_superuser = user.role == Role.ADMIN
    if user.role not in AGENCY_ROLES:
        user.agency = None
    if user.role != Role.RESPONDER or (
        user.unit and user.unit.agency_id != user.agency_id
    ):
        user.unit = None
    save_configuration(user, actor=actor, save_related=save_related)


@transaction.atomic
def create_user(
    *,
    username: str,
    password: str,
    role: str,
    agency: Agency | None = None,
    full_name: str = "",
    actor: User | None,
) -> User:
    user = User(username=username, role=role, agency=agency, first_name=full_name)
    user.set_password(password)
    save_user(user, actor=actor)
    return user


@transaction.atomic
def issue_api_token(
    *, user: User, name: str, actor: User | None
) -> tuple[ApiToken, str]:
    """Create a token for an integration; the plain
    token is returned once and never stored."""
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    api_token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, token_digest=ApiToken.digest(token)
    )
    append_event(
        actor=actor,
        action="api_token.issued",
        target=api_token,
        after={"user": user.get_username(), "name": name, "prefix": prefix},
    )
    return api_token, token


@transaction.atomic
def revoke_api_token(api_token: ApiToken, *, actor: User | None) -> None:
    updated = ApiToken.objects.filter(pk=api_token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if updated:
        append_event(actor=actor, action="api_token.revoked", target=api_token)


def user_for_token(token: str) -> User | None:
    """The active user behind a bearer token, or None. Reads only."""
    scheme, _, rest = token.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != TOKEN_PREFIX or not prefix or not secret:
        return None
    api_token = (
        ApiToken.objects.active().select_related("user").filter(prefix=prefix).first()
    )
    if api_token is None or not hmac.compare_digest(
        api_token.token_digest, ApiToken.digest(token)
    ):
        return None
    return api_token.user


@transaction.atomic
def end_session(handle: str, *, actor: User) -> User:
    """Sign someone out of one console (an admin's decision: a lost phone, a PC left
    signed in); the next request from it goes to the sign-in page."""
    from siaga.accounts.sessions import session_by_handle

    session = session_by_handle(handle)
    user_id = session.get_decoded().get("_auth_user_id") if session else None
    user = User.objects.filter(pk=user_id).first() if user_id else None
    if session is None or user is None:
        raise Conflict("no such session (it may have ended already)")
    session.delete()
    append_event(
        actor=actor,
        action="account.session_ended",
        target=user,
        after={"session": handle},
    )
    return user
