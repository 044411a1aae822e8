"""The background worker: claims due rows from database tables, one pass at a time.

Each task is a function that finds due rows and hands each to an action, which claims
it with a conditional update; two workers (or the embedded one and `siaga worker`) never
do the same work twice. Later tasks (referral deadlines…) join TASKS.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections, connection
from django.utils import timezone

from siaga.dispatching.actions import escalate_dispatch
from siaga.dispatching.models import Dispatch
from siaga.intake.actions.deliveries import process_delivery
from siaga.intake.actions.retention import (
    BATCH,
    anonymize_old_contacts,
    retention_cutoff,
)
from siaga.intake.models import Delivery, OutboundMessage
from siaga.intake.outbox import fetch_media, media_due, send_outbound
from siaga.lib.wake import wait_for_work
from siaga.ops.models import WorkerBeat
from siaga.referrals.actions import time_out_referral
from siaga.referrals.conveyance import deliver
from siaga.referrals.models import Referral
from siaga.units.actions import prune_unit_positions

log = logging.getLogger("siaga.worker")


def escalate_overdue_dispatches() -> int:
    overdue = Dispatch.objects.overdue().select_related("incident", "agency")[:100]
    return sum(escalate_dispatch(dispatch, actor=None) for dispatch in overdue)


def process_deliveries() -> int:
    """Webhook bodies stored but not yet made into contacts, oldest first."""
    waiting = Delivery.objects.waiting().values_list("pk", flat=True)[:200]
    return sum(process_delivery(pk) for pk in list(waiting))


def send_outbound_messages() -> int:
    """Replies and tracking links due now (new, or whose backoff has passed)."""
    due = OutboundMessage.objects.due().select_related("contact")[:50]
    return sum(send_outbound(message) for message in due)


def time_out_referrals() -> int:
    """Referrals nobody acknowledged in time: escalated once, the floor phones."""
    overdue = Referral.objects.overdue().select_related("neighbour", "incident")[:100]
    return sum(time_out_referral(referral, actor=None) for referral in overdue)


def deliver_referrals() -> int:
    """Requests and answers owed to partner centres, with backoff."""
    due = Referral.objects.to_deliver().select_related("neighbour", "incident")[:20]
    return sum(deliver(referral) for referral in due)


def fetch_waiting_media() -> int:
    return sum(fetch_media(media) for media in media_due())


HOUSEKEEPING_EVERY_SECONDS = 3600
RETENTION_BATCHES_A_PASS = 2  # 1 000 contacts, then intake and dispatch get their turn
_last_housekeeping = {"at": 0.0}


def housekeeping() -> int:
    """At most once an hour per worker: the planner's statistics refreshed, vehicle
    fixes dropped, contacts' personal data blanked (SIAGA_RETENTION_DAYS)."""
    last = _last_housekeeping["at"]
    if last and time.monotonic() - last < HOUSEKEEPING_EVERY_SECONDS:
        return 0
    _last_housekeeping["at"] = time.monotonic()
    done = prune_unit_positions()
    cutoff = retention_cutoff()
    if cutoff is not None:
        blanked = anonymize_old_contacts(
            before=cutoff, actor=None, batches=RETENTION_BATCHES_A_PASS
        )
        done += blanked
        if blanked >= RETENTION_BATCHES_A_PASS * BATCH:
            _last_housekeeping["at"] = 0.0  # a backlog: go on next pass, not in an hour
    refresh_planner_statistics()  # last: if it fails, the rest is done
    return done


def refresh_planner_statistics() -> None:
    """SQLite keeps no planner statistics by itself, and without them it reads the
    possible-duplicates box through the wrong index (docs/benchmarks.md): an
    approximate ANALYZE (at most 1 000 rows an index, milliseconds at any size).
    PostgreSQL's autovacuum analyses on its own."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA analysis_limit=1000")
            cursor.execute("ANALYZE")


TASKS: list[Callable[[], int]] = [
    process_deliveries,
    escalate_overdue_dispatches,
    send_outbound_messages,
    fetch_waiting_media,
    time_out_referrals,
    deliver_referrals,
    housekeeping,
]


def run_once() -> int:
    """One pass over every task; a failing task is logged and the others still run."""
    done = 0
    for task in TASKS:
        try:
            done += task()
        except Exception:
            log.exception("worker task %s failed", task.__name__)
    return done


BEAT_EVERY_SECONDS = 15.0
WORKER_NAME = f"{socket.gethostname()}:{os.getpid()}"
_beat = {"at": 0.0, "passes": 0}


def beat(*, now: bool = False) -> None:
    """Note that this worker is alive (at most every 15 s unless `now`: one row per
    worker, not a write per pass), for /metrics."""
    _beat["passes"] += 1
    if not now and _beat["at"] and time.monotonic() - _beat["at"] < BEAT_EVERY_SECONDS:
        return
    _beat["at"] = time.monotonic()
    WorkerBeat.objects.update_or_create(
        name=WORKER_NAME[:100],
        defaults={"beat_at": timezone.now(), "passes": _beat["passes"]},
    )


def run_forever(interval: float, stop: threading.Event) -> None:
    """1. Run every task once. 2. Drop stale connections (a failover may have moved the
    primary). 3. Sleep `interval` seconds, or less if a commit in this process left
    work (a webhook delivery) or the loop is stopped. Repeat."""
    log.info("worker started, one pass every %s s", interval)
    while not stop.is_set():
        close_old_connections()
        run_once()
        try:
            beat()
        except Exception:
            log.exception("the worker's heartbeat failed")
        close_old_connections()
        wait_for_work(interval, stop)
