"""Prometheus metrics at /metrics: requests, queues, acknowledgement timers, connected
consoles, the database's role and replication lag, workers' heartbeats.

Counters live in this process (one uvicorn process per server); the rest is read from
the database at each scrape. A scrape needs the bearer token SIAGA_METRICS_TOKEN, or
an admin's or supervisor's session: with no token set, only those sessions see it.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from siaga.accounts.roles import Can
from siaga.cluster.nodes import REPLICAS_SQL
from siaga.dispatching.models import Dispatch
from siaga.events.bus import TAILER
from siaga.intake.models import Contact, Delivery, OutboundMessage
from siaga.ops.models import WorkerBeat
from siaga.referrals.models import Referral

CONTENT_TYPE = CONTENT_TYPE_LATEST
REGISTRY = (
    CollectorRegistry()
)  # no collect() at register: the database may not exist yet
REQUESTS = Counter(
    "siaga_http_requests",
    "HTTP requests answered, by method and status",
    ["method", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "siaga_http_request_seconds",
    "Time to answer a request (to the first byte of a stream)",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


class CountRequests:
    """Middleware: count every request by method and status, time it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in METHODS else "OTHER"
        REQUESTS.labels(method, str(response.status_code)).inc()
        LATENCY.observe(time.perf_counter() - started)
        return response


def gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


class Floor(Collector):
    """What the floor and the agencies are waiting on, read at each scrape."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        awaiting = Dispatch.objects.awaiting_acknowledgement().aggregate(
            n=Count("pk"), oldest=Min("sent_at")
        )
        oldest = awaiting["oldest"]
        yield gauge(
            "siaga_calls_in_progress",
            "Calls ringing or answered, not yet classified",
            Contact.objects.calls_in_progress().count(),
        )
        yield gauge(
            "siaga_dispatches_awaiting_acknowledgement",
            "Dispatches sent, not yet acknowledged",
            awaiting["n"],
        )
        yield gauge(
            "siaga_dispatches_overdue",
            "Dispatches past their acknowledgement deadline, not yet escalated",
            Dispatch.objects.overdue().count(),
        )
        yield gauge(
            "siaga_dispatch_oldest_unacknowledged_seconds",
            "Age of the oldest dispatch still awaiting acknowledgement (0: none)",
            (now - oldest).total_seconds() if oldest else 0,
        )
        yield gauge(
            "siaga_deliveries_waiting",
            "Webhook bodies stored, not yet made into contacts",
            Delivery.objects.waiting().count(),
        )
        yield gauge(
            "siaga_outbound_due",
            "Replies and links due to be sent",
            OutboundMessage.objects.due().count(),
        )
        yield gauge(
            "siaga_referrals_overdue",
            "Referrals past their deadline",
            Referral.objects.overdue().count(),
        )
        yield gauge(
            "siaga_live_consoles",
            "Consoles connected to this process's live stream",
            len(TAILER.subscribers),
        )
        beats = GaugeMetricFamily(
            "siaga_worker_heartbeat_age_seconds",
            "Seconds since each worker's last pass",
            labels=["worker"],
        )
        for beat in WorkerBeat.objects.all():
            beats.add_metric([beat.name], (now - beat.beat_at).total_seconds())
        yield beats


class Database(Collector):
    """The database this process reaches: up, primary, and its standbys' lag."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("siaga_database_up", "The database answers")
        try:
            primary, lags = self.role()
        except DatabaseError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield gauge(
            "siaga_database_primary",
            "1: the database reached takes writes (primary)",
            primary,
        )
        lag = GaugeMetricFamily(
            "siaga_replication_lag_bytes",
            "WAL the standby has not replayed yet",
            labels=["standby", "sync_state"],
        )
        for name, sync_state, behind in lags:
            lag.add_metric([name, sync_state], behind)
        yield lag

    def role(self) -> tuple[int, list[tuple[str, str, float]]]:
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.execute("SELECT 1")
                return 1, []
            cursor.execute("SELECT pg_is_in_recovery()")
            row = cursor.fetchone()
            if row and row[0]:
                return 0, []
            cursor.execute(REPLICAS_SQL)
            rows = cursor.fetchall()
            return 1, [
                (str(name), str(sync), float(lag)) for name, _, sync, lag in rows
            ]


REGISTRY.register(Floor())
REGISTRY.register(Database())


def may_scrape(request: HttpRequest) -> bool:
    token = settings.SIAGA_METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    user = request.user
    return bool(user.is_authenticated and user.can(Can.OPERATE_SERVERS))


def metrics_text() -> bytes:
    return generate_latest(REGISTRY)
