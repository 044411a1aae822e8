"""The process's event-log reader: a failed start is retried by the next console."""

from __future__ import annotations

import asyncio

import pytest
from django.db import DatabaseError

from siaga.events import bus


def test_a_failed_start_is_retried_by_the_next_console(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = []

    def latest_event_id() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise DatabaseError("the database is away")
        return 41

    monkeypatch.setattr(bus, "latest_event_id", latest_event_id)
    monkeypatch.setattr(bus, "read_events", lambda after_id, up_to=None: [])
    tailer = bus.Tailer()

    async def two_consoles() -> None:
        with pytest.raises(DatabaseError):
            await tailer.start()
        await tailer.start()
        await tailer.start()  # already running: nothing more happens
        assert tailer.last_id == 41
        assert tailer._tasks and not any(task.done() for task in tailer._tasks)
        for task in tailer._tasks:
            task.cancel()

    asyncio.run(two_consoles())
    assert len(calls) == 2


def test_every_console_gets_the_same_prepared_message() -> None:
    event = bus.LiveEvent.of(7, "incident.opened", "TNG-20261204-0001", frozenset())

    assert event.message == (
        'id: 7\nevent: siaga\ndata: {"type": "incident.opened", '
        '"incident": "TNG-20261204-0001"}\n\n'
    )
