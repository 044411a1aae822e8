"""Live updates: one tailer per server process reads new events once and fans them out.

Units' positions are not events: a second loop of the tailer asks every
`SIAGA_AVL_LIVE_SECONDS` which units changed and sends them as `units` messages
without an id (never replayed; a reconnecting map reloads them).

Wake-ups come from three places: an in-process signal after every commit (the embedded
default and this process's own writes), PostgreSQL `LISTEN siaga_events` (writes made by
other processes and servers), and a short poll as a safety net. Event ids are handed out
in commit order (SQLite serialises writers; on PostgreSQL `append_event` takes a
transaction-level advisory lock), so "everything after id N" never skips a late commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max, Q
from django.utils import timezone

from siaga.accounts.models import User
from siaga.accounts.roles import Can
from siaga.events.models import Event

log = logging.getLogger("siaga.live")

CHANNEL = "siaga_events"
LIBPQ_OPTIONS = frozenset(
    {
        "target_session_attrs",
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "connect_timeout",
        "application_name",
    }
)
P = ParamSpec("P")
R = TypeVar("R")
BATCH = 500
STREAMED = (
    Q(action__startswith="incident.")
    | Q(action__startswith="dispatch.")
    | Q(action__startswith="contact.")
    | Q(action__startswith="unit.")
    | Q(action__startswith="trip.")
)
# Units changed this long before the last look are asked for again: a write committed
# a little late, or stamped by a server whose clock is a little behind, is not missed.
UNITS_OVERLAP = timedelta(seconds=10)


@dataclass(frozen=True)
class LiveEvent:
    """What a console needs to know: which event, of what type, about which incident.

    The message carries no personal data; the console re-fetches what it shows."""

    id: int
    type: str
    incident: str | None
    agency_ids: frozenset[int]
    message: str  # the SSE message, built once and sent to every console as is
    logged: bool = True  # False: a unit's move, not in the event log, never replayed

    @classmethod
    def of(
        cls, id: int, type: str, incident: str | None, agency_ids: frozenset[int]
    ) -> LiveEvent:
        data = json.dumps({"type": type, "incident": incident})
        message = f"id: {id}\nevent: siaga\ndata: {data}\n\n"
        return cls(id, type, incident, agency_ids, message)


@dataclass(frozen=True)
class Viewer:
    """Whose console this is: an agency operator sees only its agency's incidents."""

    agency_id: int | None
    sees_contacts: bool

    @classmethod
    def of(cls, user: User) -> Viewer:
        agency = user.agency_id if user.is_agency_operator else None
        return cls(agency_id=agency, sees_contacts=user.can(Can.VIEW_CONTACTS))

    def may_see(self, event: LiveEvent) -> bool:
        if event.type.startswith("contact.") and not self.sees_contacts:
            return False
        return self.agency_id is None or self.agency_id in event.agency_ids


def latest_event_id() -> int:
    return Event.objects.aggregate(last=Max("id"))["last"] or 0


def read_events(after_id: int, up_to: int | None = None) -> list[LiveEvent]:
    """Streamed events with ids in (after_id, up_to], oldest first, at most BATCH.

    An agency sees the events of incidents dispatched to it, and those of its units."""
    rows = Event.objects.filter(STREAMED, id__gt=after_id).order_by("id")
    if up_to is not None:
        rows = rows.filter(id__lte=up_to)
    fields = ("id", "action", "incident_id", "incident__number", "target_id")
    found = list(rows.values(*fields)[:BATCH])
    by_incident = _agencies_of_incidents(
        {row["incident_id"] for row in found if row["incident_id"]}
    )
    by_unit = _agencies_of_units(
        {row["target_id"] for row in found if row["action"].startswith("unit.")}
    )

    def agencies_of(row: dict[str, Any]) -> frozenset[int]:
        found = frozenset(by_incident.get(row["incident_id"], ()))
        if row["action"].startswith("unit."):
            found |= by_unit.get(row["target_id"], frozenset())
        return found

    return [
        LiveEvent.of(
            id=row["id"],
            type=row["action"],
            incident=row["incident__number"],
            agency_ids=agencies_of(row),
        )
        for row in found
    ]


def _agencies_of_incidents(incident_ids: set[int]) -> dict[int, set[int]]:
    from siaga.dispatching.models import Dispatch  # dispatching imports events

    agencies: dict[int, set[int]] = {}
    for incident_id, agency_id in Dispatch.objects.filter(
        incident_id__in=incident_ids
    ).values_list("incident_id", "agency_id"):
        agencies.setdefault(incident_id, set()).add(agency_id)
    return agencies


def _agencies_of_units(unit_ids: set[str]) -> dict[str, frozenset[int]]:
    from siaga.units.models import Unit

    pks = [int(pk) for pk in unit_ids if pk.isdigit()]
    rows = Unit.objects.filter(pk__in=pks).values_list("pk", "agency_id")
    return {str(pk): frozenset({agency_id}) for pk, agency_id in rows}


def in_worker_thread(function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """Run a read in a pool thread; on a database error drop that thread's connection,
    so the next read reconnects (after a failover, to the new primary)."""

    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        except DatabaseError:
            connection.close()
            raise

    return sync_to_async(call, thread_sensitive=False)


def listen_params() -> dict[str, Any]:
    """Connection parameters for the LISTEN connection, from Django's settings."""
    db = connection.settings_dict
    params = {
        "dbname": db["NAME"],
        "user": db["USER"],
        "password": db["PASSWORD"],
        "host": db["HOST"],
        "port": db["PORT"],
    }
    params |= {k: v for k, v in db["OPTIONS"].items() if k in LIBPQ_OPTIONS}
    return {key: value for key, value in params.items() if value not in ("", None)}


class Tailer:
    """The process's single reader of the event log."""

    def __init__(self) -> None:
        self.last_id = 0
        self.subscribers: set[asyncio.Queue[list[LiveEvent]]] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._starting: asyncio.Task[None] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._units_seen: dict[str, str] = {}  # call sign → the last message sent

    async def start(self) -> None:
        """Start once, in the server's event loop, when the first console connects.

        Consoles that arrive while it starts wait for it; if starting fails (the
        database is away), that console gets the error and the next one tries again."""
        loop = asyncio.get_running_loop()
        starting = self._starting
        failed = starting is not None and starting.done() and starting.exception()
        if self.loop is not loop or starting is None or failed:
            self.loop = loop
            self._starting = starting = loop.create_task(self._begin(loop))
        await asyncio.shield(starting)

    async def _begin(self, loop: asyncio.AbstractEventLoop) -> None:
        self.last_id = await in_worker_thread(latest_event_id)()
        self._wake = asyncio.Event()
        self._tasks = [loop.create_task(self._run()), loop.create_task(self._units())]
        if connection.vendor == "postgresql":
            self._tasks.append(loop.create_task(self._listen()))

    def subscribe(self) -> asyncio.Queue[list[LiveEvent]]:
        queue: asyncio.Queue[list[LiveEvent]] = asyncio.Queue()
        self.subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[list[LiveEvent]]) -> None:
        self.subscribers.discard(queue)

    def wake(self) -> None:
        """Thread-safe: called after every commit that appended an event."""
        loop, wake = self.loop, self._wake
        if loop is not None and wake is not None and not loop.is_closed():
            loop.call_soon_threadsafe(wake.set)

    async def _run(self) -> None:
        """1. Wait for a wake-up or the poll interval. 2. Read every new event once.
        3. Hand each batch to every subscriber. Errors are logged and retried."""
        assert self._wake is not None
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(
                    self._wake.wait(), settings.SIAGA_LIVE_POLL_SECONDS
                )
            self._wake.clear()
            try:
                await self._read_all()
            except Exception:
                log.exception("reading the event log failed; retrying")

    async def _read_all(self) -> None:
        read = in_worker_thread(read_events)
        while True:
            batch = await read(self.last_id)
            if not batch:
                return
            self.last_id = batch[-1].id
            for queue in self.subscribers:
                queue.put_nowait(batch)

    async def _units(self) -> None:
        """Every SIAGA_AVL_LIVE_SECONDS, send the units that changed since the last look
        (with an overlap; what was already sent unchanged is skipped)."""
        looked = timezone.now()
        while True:
            await asyncio.sleep(max(1, settings.SIAGA_AVL_LIVE_SECONDS))
            if not self.subscribers:
                looked = timezone.now()
                continue
            try:
                looked = await self._send_units(looked)
            except Exception:
                log.exception("reading the units failed; retrying")

    async def _send_units(self, looked: datetime) -> datetime:
        from siaga.units.live import message, moved_since

        now = timezone.now()
        moved = await in_worker_thread(moved_since)(looked - UNITS_OVERLAP)
        batch = []
        for agency_id, point in moved:
            text = message(point)
            if self._units_seen.get(point["call_sign"]) == text:
                continue
            self._units_seen[point["call_sign"]] = text
            batch.append(
                LiveEvent(
                    id=0,
                    type="unit.moved",
                    incident=None,
                    agency_ids=frozenset({agency_id}),
                    message=text,
                    logged=False,
                )
            )
        if batch:
            for queue in self.subscribers:
                queue.put_nowait(batch)
        return now

    async def _listen(self) -> None:
        """PostgreSQL NOTIFY from every process on the same database; reconnects."""
        import psycopg

        assert self._wake is not None
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    **listen_params(), autocommit=True
                ) as listener:
                    await listener.execute(f"LISTEN {CHANNEL}")
                    self._wake.set()  # catch up on anything written while away
                    async for _ in listener.notifies():
                        self._wake.set()
            except Exception:
                log.warning("LISTEN connection lost; reconnecting", exc_info=True)
                await asyncio.sleep(1)


TAILER = Tailer()
