"""Access helpers that every view and endpoint uses. Deny by default."""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

from siaga.accounts.models import User
from siaga.accounts.roles import Can

M = TypeVar("M", bound=Model)


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


def by_public_id(rows: QuerySet[M], raw: str, what: str) -> M:
    """The row of `rows` whose `public_id` is `raw`, else 404 (a malformed id too)."""
    try:
        public_id = uuid.UUID(raw)
    except ValueError:
        raise Http404(f"no such {what}") from None
    found = rows.filter(public_id=public_id).first()
    if found is None:
        raise Http404(f"no such {what}")
    return found
