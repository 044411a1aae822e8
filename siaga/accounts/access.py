"""Access helpers that every view and endpoint uses. Deny by default."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from siaga.accounts.models import User
from siaga.accounts.roles import Can


def require(user: AbstractBaseUser | AnonymousUser | None, capability: Can) -> User:
    """Return the user if their role has the capability, else raise PermissionDenied."""
    if not isinstance(user, User) or not user.can(capability):
        raise PermissionDenied(
            f"your role may not {capability.value.replace('_', ' ')}"
        )
    return user


def api_user(request: HttpRequest, capability: Can) -> User:
    """The user an API call authenticated as (token or session), if the role allows."""
    return require(getattr(request, "auth", None), capability)
