"""While the database cannot take a request (the primary died and the standby is not
promoted yet, a fenced primary, SQLite's writer busy past its timeout) every request
gets 503 with Retry-After, never 500: a console, a provider's webhook or the PBX tries
again, and nothing is acknowledged that was not stored.

The API answers in its error format (siaga/api.py registers `api_unavailable`); pages
and everything else pass through `server_error`, the project's handler500.
"""

from __future__ import annotations

import json
import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views import defaults

RETRY_AFTER_SECONDS = 5
READ_ONLY_SQL_TRANSACTION = "25006"  # PostgreSQL's SQLSTATE on a fenced primary/standby


def database_unavailable(error: BaseException) -> bool:
    if isinstance(error, OperationalError | InterfaceError):
        return True
    cause = error.__cause__
    return isinstance(error, DatabaseError) and (
        getattr(cause, "sqlstate", None) == READ_ONLY_SQL_TRANSACTION
    )


MESSAGE = (
    "the database is not available (a server switch may be under way); retry shortly"
)


def api_unavailable_body() -> bytes:
    return json.dumps({"error": {"code": "unavailable", "message": MESSAGE}}).encode()


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(("/api/", "/hooks/")):
        response = HttpResponse(
            api_unavailable_body(), status=503, content_type="application/json"
        )
    else:
        text = _(
            "Server basis data sedang tidak tersedia (mungkin sedang beralih ke server"
            " cadangan). Halaman ini mencoba lagi sendiri."
        )
        response = HttpResponse(
            '<!doctype html><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="{RETRY_AFTER_SECONDS}">'
            f"<title>503</title><p>{text}</p>",
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 503 when the database is what failed, Django's 500 otherwise."""
    error = sys.exc_info()[1]
    if error is not None and database_unavailable(error):
        return unavailable_response(request)
    return defaults.server_error(request)
