"""Health endpoints for load balancers and the primary/backup pair."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@require_GET
@never_cache
@login_not_required
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is alive and answering. Touches nothing else."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
@login_not_required
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' scrape (siaga.ops.metrics): the bearer token, or a session of a role
    that operates the servers; anyone else gets 403."""
    from siaga.ops.metrics import CONTENT_TYPE, may_scrape, metrics_text

    if not may_scrape(request):
        return HttpResponse(
            "403: metrics need the scrape token\n",
            status=403,
            content_type="text/plain",
        )
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE)


@require_GET
@never_cache
@login_not_required
def readyz(request: HttpRequest) -> JsonResponse:
    """The database is reachable and takes writes (a standby or a locked file does not).

    The write probe is an UPDATE that matches no row: PostgreSQL refuses it in a read-
    only
    (standby) session, and on SQLite the IMMEDIATE transaction must win the write lock.
    """
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE django_migrations SET app = app WHERE 1 = 0")
    except DatabaseError as error:
        return JsonResponse(
            {
                "status": "unavailable",
                "database": connection.vendor,
                "error": str(error)[:200],
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "database": connection.vendor})
