"""Middleware of the accounts app: the chosen language, and the access matrix for pages.

The UI language is the one the user chose, never the browser's guess. Control-room PCs
often run an English browser; Bahasa Indonesia stays the default until someone picks
English in the top bar (Django's language cookie).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from siaga.accounts.matrix import methods_of, rule_for
from siaga.accounts.models import User


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.languages else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class AccessMatrix:
    """Pages obey `matrix.MATRIX`: a signed-in role without the capability gets 403, and
    a URL missing from the table is refused to everyone (deny by default).

    Signed-out visitors are left to LoginRequiredMiddleware and the views (the sign-in
    page, or 401 from a feed). API operations and hooks check themselves and answer in
    the API's JSON error format; Django's admin is the admin role's alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[object, ...],
        kwargs: dict[str, object],
    ) -> None:
        match = request.resolver_match
        if match is None or "api" in match.namespaces:
            return
        if "admin" in match.namespaces:  # every page and every post of the admin
            route, method = "admin/", "GET"
        else:
            route, method = match.route, request.method or "GET"
        rule = rule_for(method, route)
        if rule is None:
            if methods_of(route):
                return  # a known URL asked with another method: the view answers 405
            raise PermissionDenied("this URL is not in the access matrix")
        user = request.user
        if isinstance(user, User) and not rule.permits(user):
            raise PermissionDenied("your role may not use this page")
