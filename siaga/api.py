"""The JSON API (/api/v1/) and webhooks (/hooks/): one NinjaAPI, one error format.

Errors always read `{"error": {"code": "...", "message": "...", "fields": {...}}}`
with a 4xx status; bad input never reaches a 500.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaError
from ninja.security import HttpBearer, SessionAuth

from siaga.accounts.actions import user_for_token
from siaga.accounts.models import User
from siaga.lib.errors import ActionError
from siaga.lib.unavailable import MESSAGE, RETRY_AFTER_SECONDS, database_unavailable

DESCRIPTION = """
The Siaga112 integration API: PBX/CTI, SMS gateways, the city app, agency systems
and the consoles. Authenticate with `Authorization: Bearer <token>` (issued by
`siaga create-token --user NAME`) or, from the consoles, with the session cookie and
the CSRF token.

Every error is JSON:
`{"error": {"code": "not_found", "message": "…", "fields": {"field": ["…"]}}}`.
Codes: `bad_request`, `unauthorized`, `forbidden`, `not_found`, `invalid_input` (422),
`illegal_transition` and `conflict` (409), `payload_too_large` (413).
"""

STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "invalid_input",
    429: "too_many_requests",
    503: "unavailable",
}


class BearerToken(HttpBearer):
    """An integration's token; the user it belongs to becomes `request.auth`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return user_for_token(token)


api = NinjaAPI(
    title="Siaga112 API",
    version="1",
    description=DESCRIPTION,
    auth=[BearerToken(), SessionAuth()],
    openapi_url="/api/v1/openapi.json",
    docs_url="/api/v1/docs",
    urls_namespace="api",
)


def error_response(
    request: HttpRequest,
    status: int,
    message: str,
    *,
    code: str = "",
    fields: Any = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "code": code or STATUS_CODES.get(status, "error"),
        "message": message,
    }
    if fields:
        body["fields"] = fields
    return api.create_response(request, {"error": body}, status=status)


@api.exception_handler(ActionError)
def on_action_error(request: HttpRequest, exc: ActionError) -> HttpResponse:
    fields = {exc.field: [exc.message]} if exc.field else None
    return error_response(
        request, exc.http_status, exc.message, code=exc.code, fields=fields
    )


@api.exception_handler(SchemaError)
def on_schema_error(request: HttpRequest, exc: SchemaError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        location = [
            str(part)
            for part in error.get("loc", ())
            if part not in {"body", "payload"}
        ]
        fields.setdefault(".".join(location) or "body", []).append(
            str(error.get("msg", ""))
        )
    return error_response(request, 422, "the request has invalid fields", fields=fields)


@api.exception_handler(ValidationError)
def on_model_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"body": exc.messages}
    return error_response(request, 422, "the request has invalid fields", fields=fields)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, exc.message)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, str(exc) or "your role may not do this")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, str(exc) or "not found")


@api.exception_handler(ObjectDoesNotExist)
def on_missing_object(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
    return error_response(request, 404, str(exc) or "not found")


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(
        request, 413, "the request body is larger than this server accepts"
    )


@api.exception_handler(DatabaseError)
def on_database_error(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    """503 while the database cannot answer (siaga.lib.unavailable); a real fault
    stays a 500."""
    if not database_unavailable(exc):
        raise exc
    response = error_response(request, 503, MESSAGE)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _register_routers() -> None:
    from siaga.alerts.api import router as alerts
    from siaga.dispatching.api import router as dispatching
    from siaga.incidents.api import router as incidents
    from siaga.intake.api import router as intake
    from siaga.intake.channels.aml import router as aml
    from siaga.intake.channels.app import router as app
    from siaga.intake.channels.messenger import router as messenger
    from siaga.intake.channels.sms import router as sms
    from siaga.intake.channels.telegram import router as telegram
    from siaga.intake.channels.whatsapp import router as whatsapp
    from siaga.intake.channels.x import router as x
    from siaga.intake.hooks import router as hooks
    from siaga.referrals.api import router as referrals
    from siaga.units.api import router as units

    api.add_router("/api/v1", incidents)
    api.add_router("/api/v1", dispatching)
    api.add_router("/api/v1", intake)
    api.add_router("/api/v1", app)
    api.add_router("/api/v1", referrals)
    api.add_router("/api/v1", alerts)
    api.add_router("/api/v1", units)
    api.add_router("/hooks", hooks)
    api.add_router("/hooks", sms)
    api.add_router("/hooks", aml)
    api.add_router("/hooks", whatsapp)
    api.add_router("/hooks", telegram)
    api.add_router("/hooks", messenger)
    api.add_router("/hooks", x)


def _open_to_middleware(patterns: list[URLPattern | URLResolver]) -> None:
    """The API authenticates each operation itself (token or session, 401 as JSON), so
    LoginRequiredMiddleware must not redirect API calls to the login page."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _open_to_middleware(pattern.url_patterns)
        else:
            pattern.callback.login_required = False  # type: ignore[attr-defined]


def api_urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    patterns, app_name, namespace = api.urls
    _open_to_middleware(patterns)
    return patterns, app_name, namespace


_register_routers()
