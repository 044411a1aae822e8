"""Checking the event log's hash chain (siaga/events/chain.py) from the database."""

from __future__ import annotations

from siaga.events.chain import CONTENT, Break, first_break
from siaga.events.models import Event

COLUMNS = ["id", "prev_hash", "hash", *CONTENT]


def verify_log() -> tuple[Break | None, int, str]:
    """The first broken link of the whole log (None if intact), the number of events
    checked, and the head hash."""
    rows = Event.objects.order_by("id").values(*COLUMNS).iterator(chunk_size=5000)
    return first_break(rows)
