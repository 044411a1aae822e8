"""Access helpers that every view and endpoint uses. Deny by default."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from siaga.accounts.models import User
from siaga.accounts.roles import Can

View = TypeVar("View", bound=Callable[..., HttpResponse])


def require(user: User | AnonymousUser | None, capability: Can) -> User:
    """Return the user if their role has the capability, else raise PermissionDenied."""
    if not isinstance(user, User) or not user.can(capability):
        raise PermissionDenied(
            f"your role may not {capability.value.replace('_', ' ')}"
        )
    return user


def api_user(request: HttpRequest, capability: Can) -> User:
    """The user an API call authenticated as (token or session), if the role allows."""
    return require(getattr(request, "auth", None), capability)


def capability_required(capability: Can) -> Callable[[View], View]:
    """Decorate a function view; the signed-in user must have the capability."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require(request.user, capability)
            return view(request, *args, **kwargs)

        return cast(View, wrapper)

    return decorate
