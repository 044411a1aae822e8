"""Checking the event log's hash chain (siaga/events/chain.py) from the database."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from siaga.events.chain import CONTENT, Break, canonical, first_break
from siaga.events.models import Event
from siaga.events.sealing import unseal

if TYPE_CHECKING:
    from siaga.incidents.models import Incident

COLUMNS = ["id", "prev_hash", "hash", *CONTENT]


def verify_log() -> tuple[Break | None, int, str]:
    """The first broken link of the whole log (None if intact), the number of events
    checked, and the head hash."""
    rows = Event.objects.order_by("id").values(*COLUMNS).iterator(chunk_size=5000)
    return first_break(rows)


def event_entry(row: dict[str, Any]) -> dict[str, Any]:
    """One event of a record: its content as stored (what the hash covers) and, where
    it holds a person's sealed data, that data opened (`opened`; None once retention
    erased the key). The checker ignores `opened`."""
    entry = {
        "id": row["id"],
        "prev_hash": row["prev_hash"],
        "hash": row["hash"],
        "content": json.loads(canonical(row)),
    }
    opened = {side: unseal(row[side]) for side in ("before", "after")}
    if any(opened[side] != row[side] for side in opened):
        entry["opened"] = opened
    return entry


def incident_record(incident: Incident, *, exported_by: str) -> dict[str, Any]:
    """An incident's events with their hashes, and the hashes (only) of every other
    event between its first and last, so the record can be checked on its own
    (`chain.verify_record`); with the log's head at the time of export."""
    mine = list(Event.objects.filter(incident=incident).order_by("id").values(*COLUMNS))
    span = Event.objects.none()
    if mine:
        span = Event.objects.filter(
            id__gt=mine[0]["id"], id__lt=mine[-1]["id"]
        ).exclude(incident=incident)
    head = Event.objects.order_by("-id").values("id", "hash").first()
    return {
        "incident": incident.number,
        "exported_at": timezone.now().isoformat(),
        "exported_by": exported_by,
        "method": (
            "hash = SHA-256(prev_hash + '\\n' + canonical JSON of the content: sorted"
            " keys, no spaces, UTF-8; created_at in UTC to the microsecond)"
        ),
        "events": [event_entry(row) for row in mine],
        "links": list(span.order_by("id").values("id", "prev_hash", "hash")),
        "head": head,
    }
