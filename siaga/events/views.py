"""The live feed: Server-Sent Events from the event log, filtered per user.

Each message carries the event id; a console that reconnects sends `Last-Event-ID` and
receives exactly what it missed, then the live stream.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from siaga.accounts.actions import user_for_token
from siaga.accounts.models import User
from siaga.accounts.roles import Can
from siaga.events.bus import BATCH, TAILER, Viewer, in_worker_thread, read_events

KEEP_ALIVE_SECONDS = 15
RETRY_MS = 2000


async def signed_in(request: HttpRequest) -> User | None:
    """The session's user, or the user of a bearer token (agency systems, tests)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token:
        return await sync_to_async(user_for_token)(token.strip())
    user = await request.auser()
    return user if isinstance(user, User) else None


def close_connection() -> None:
    """Run in the request's sync thread, so it closes that thread's connection; never
    inside a transaction (a test's), which closing would break."""
    if not connection.in_atomic_block:
        connection.close()


def last_event_id(request: HttpRequest) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id", "")
    # At most 18 digits: a longer one is not an id we handed out (and would overflow).
    return int(raw) if raw.isdigit() and len(raw) <= 18 else None


SIGN_IN_AT_ONCE = 16
_sign_ins: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}


async def signed_in_briefly(request: HttpRequest) -> User | None:
    """Sign the console in, then give back the database connection that used: a stream
    lasts hours and must not hold one. At most SIGN_IN_AT_ONCE sign-ins run together,
    so a room of consoles reconnecting after a restart cannot exhaust the database."""
    loop = asyncio.get_running_loop()
    gate = _sign_ins.setdefault(loop, asyncio.Semaphore(SIGN_IN_AT_ONCE))
    async with gate:
        try:
            return await signed_in(request)
        finally:
            await sync_to_async(close_connection)()


@login_not_required  # answers 401 itself: an EventSource cannot follow a login redirect
async def live_events(request: HttpRequest) -> HttpResponseBase:
    try:
        user = await signed_in_briefly(request)
    except DatabaseError:
        return JsonResponse(
            {"error": {"code": "unavailable", "message": "database busy; retry"}},
            status=503,
            headers={"Retry-After": "3"},
        )
    if user is None:
        return JsonResponse(
            {"error": {"code": "unauthorized", "message": "sign in first"}}, status=401
        )
    if not user.can(Can.VIEW_INCIDENTS):
        return JsonResponse(
            {"error": {"code": "forbidden", "message": "your role has no live feed"}},
            status=403,
        )
    stream = event_stream(Viewer.of(user), last_event_id(request))
    response = StreamingHttpResponse(stream, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through at once
    return response


async def event_stream(viewer: Viewer, after_id: int | None) -> AsyncIterator[str]:
    """1. Subscribe to the tailer. 2. Replay what the console missed, up to the tailer's
    position at subscription. 3. Stream the rest live, with keep-alive comments."""
    await TAILER.start()
    queue = TAILER.subscribe()
    try:
        position = TAILER.last_id
        yield f"retry: {RETRY_MS}\n\n"
        if after_id is not None:
            async for message in replay(viewer, after_id, position):
                yield message
        floor = max(position, after_id or 0)
        while True:
            try:
                batch = await asyncio.wait_for(queue.get(), KEEP_ALIVE_SECONDS)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            for event in batch:
                fresh = event.id > floor or not event.logged
                if fresh and viewer.may_see(event):
                    yield event.message
    finally:
        with contextlib.suppress(Exception):
            TAILER.unsubscribe(queue)


async def replay(viewer: Viewer, after_id: int, up_to: int) -> AsyncIterator[str]:
    """The missed events, in batches; far too many means the console should reload."""
    read = in_worker_thread(read_events)
    sent = 0
    while after_id < up_to:
        batch = await read(after_id, up_to)
        if not batch:
            return
        for event in batch:
            if viewer.may_see(event):
                yield event.message
        after_id = batch[-1].id
        sent += len(batch)
        if sent >= 20 * BATCH:
            yield 'event: reset\ndata: {"type": "reset"}\n\n'
            return
