"""Actions on users and API tokens."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Iterable

from django.db import transaction
from django.utils import timezone

from siaga.accounts.models import ApiToken, User
from siaga.accounts.roles import AGENCY_ROLES, ROLE_CAPABILITIES, Can, Role
from siaga.accounts.totp import new_recovery_codes, recovery_digest
from siaga.agencies.models import Agency
from siaga.events.actions import save_configuration
from siaga.events.log import append_event
from siaga.lib.errors import Conflict, IllegalTransition, InvalidInput

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


def token_scopes(user: User, scopes: Iterable[str] | None) -> list[str]:
    """The scopes asked for, each one the user's role holds; none asked: all of them."""
    held = ROLE_CAPABILITIES.get(user.role, frozenset())
    if scopes is None:
        return sorted(held)
    asked = sorted(set(scopes))
    unknown = [scope for scope in asked if scope not in {can.value for can in Can}]
    if unknown:
        raise InvalidInput(f"no such scope: {', '.join(unknown)}", field="scopes")
    beyond = [scope for scope in asked if scope not in held]
    if beyond:
        raise InvalidInput(
            f"the role {user.role} does not hold {', '.join(beyond)}", field="scopes"
        )
    return asked


@transaction.atomic
def issue_api_token(
    *,
    user: User,
    name: str,
    actor: User | None,
    scopes: Iterable[str] | None = None,
) -> tuple[ApiToken, str]:
    """Create a token for an integration; the plain token is returned once and never
    stored. Its scopes narrow what it may do to some of its role's capabilities."""
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    api_token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        token_digest=ApiToken.digest(token),
        scopes=token_scopes(user, scopes),
    )
    append_event(
        actor=actor,
        action="api_token.issued",
        target=api_token,
        after={
            "user": user.get_username(),
            "name": name,
            "prefix": prefix,
            "scopes": api_token.scopes,
        },
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
    user = api_token.user
    user.token_scopes = frozenset(api_token.scopes)
    return user


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


@transaction.atomic
def enable_two_step(user: User, *, secret: str, code: str) -> tuple[User, list[str]]:
    """Turn on two-step sign-in once the person's app shows the right code. Returns
    the recovery codes, shown once and kept only as digests."""
    from siaga.accounts.totp import matching_step

    step = matching_step(secret, code, after=0)
    if step is None:
        raise InvalidInput(
            "that code does not match; check the app's time", field="code"
        )
    codes = new_recovery_codes()
    User.objects.filter(pk=user.pk).update(
        totp_secret=secret,
        totp_confirmed_at=timezone.now(),
        totp_last_step=step,
        totp_recovery=[recovery_digest(code) for code in codes],
    )
    user.refresh_from_db()
    append_event(
        actor=user,
        action="account.two_step_enabled",
        target=user,
        after={"recovery_codes": len(codes)},
    )
    return user, codes


@transaction.atomic
def renew_recovery_codes(user: User) -> list[str]:
    """New recovery codes (the old ones stop working): shown once."""
    if not user.totp_confirmed_at:
        raise IllegalTransition("two-step sign-in is not on")
    codes = new_recovery_codes()
    User.objects.filter(pk=user.pk).update(
        totp_recovery=[recovery_digest(code) for code in codes]
    )
    append_event(
        actor=user,
        action="account.recovery_codes_renewed",
        target=user,
        after={"recovery_codes": len(codes)},
    )
    return codes


@transaction.atomic
def use_two_step_code(user: User, code: str) -> None:
    """The second step of a sign-in: a current code, never one already used; or one
    of the recovery codes, each good once (and an event: the phone may be lost)."""
    from siaga.accounts.totp import matching_step

    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.totp_confirmed_at:
        raise InvalidInput("the code is wrong or already used", field="code")
    step = matching_step(locked.totp_secret, code, after=locked.totp_last_step)
    if step is not None:
        User.objects.filter(pk=user.pk).update(totp_last_step=step)
        return
    digest = recovery_digest(code)
    if len(code) > 12 and digest in locked.totp_recovery:
        left = [kept for kept in locked.totp_recovery if kept != digest]
        User.objects.filter(pk=user.pk).update(totp_recovery=left)
        append_event(
            actor=locked,
            action="account.recovery_code_used",
            target=locked,
            after={"left": len(left)},
        )
        return
    raise InvalidInput("the code is wrong or already used", field="code")


@transaction.atomic
def reset_two_step(user: User, *, actor: User | None) -> User:
    """A lost phone: the person enrols again at the next sign-in."""
    User.objects.filter(pk=user.pk).update(
        totp_secret="", totp_confirmed_at=None, totp_last_step=0, totp_recovery=[]
    )
    user.refresh_from_db()
    append_event(actor=actor, action="account.two_step_reset", target=user)
    return user
