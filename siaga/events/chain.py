"""The event log's hash chain: each event carries the SHA-256 of its own content and
of the hash before it, so changing one byte of any stored event, removing one or
slipping one in breaks the chain at that point (`siaga audit verify` names it).

The content hashed is canonical JSON (sorted keys, no spaces, UTF-8) of the columns
below as they read back from either database: the time in UTC to the microsecond, the
JSON fields as stored. The chain proves the log was not altered after the fact by
anyone who cannot recompute the whole chain; the head hash, noted elsewhere (the
monthly report, a printed record, another system), closes that gap
(docs/security.md).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
CONTENT = (
    "created_at",
    "actor_id",
    "actor_name",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "incident_id",
    "before",
    "after",
)


def canonical(row: Mapping[str, Any]) -> bytes:
    content = {name: row[name] for name in CONTENT}
    moment = content["created_at"]
    if isinstance(moment, datetime.datetime):
        content["created_at"] = moment.astimezone(datetime.UTC).isoformat(
            timespec="microseconds"
        )
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def event_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(row)).hexdigest()


def as_stored(value: Any) -> Any:
    """A JSON field's value as it will read back (tuples become lists, and so on)."""
    return None if value is None else json.loads(json.dumps(value))


@dataclass(frozen=True)
class Break:
    event_id: int
    action: str
    reason: str

    def __str__(self) -> str:
        return f"event #{self.event_id} ({self.action}): {self.reason}"


def first_break(rows: Iterator[Mapping[str, Any]]) -> tuple[Break | None, int, str]:
    """Walk the rows in id order: the first broken link (or None), how many events
    were checked, and the last hash (the head)."""
    previous, checked = GENESIS, 0
    for row in rows:
        if row["prev_hash"] != previous:
            reason = (
                "it does not follow the event before it"
                " (one removed, inserted or changed before it)"
            )
            return Break(row["id"], row["action"], reason), checked, previous
        if event_hash(previous, row) != row["hash"]:
            return (
                Break(row["id"], row["action"], "its content does not match its hash"),
                checked,
                previous,
            )
        previous, checked = row["hash"], checked + 1
    return None, checked, previous


def verify_record(record: Mapping[str, Any]) -> str:
    """Check an exported incident record (`audit.incident_record`) on its own, as a
    court's expert or another system would: each event's hash from its content and
    the hash before it, and the chain unbroken from the record's first event to its
    last through the other events' links. '' if it holds, else what is wrong."""
    rows = sorted([*record["events"], *record["links"]], key=lambda row: int(row["id"]))
    previous = rows[0]["prev_hash"] if rows else GENESIS
    for row in rows:
        if row["prev_hash"] != previous:
            return f"event #{row['id']} does not follow the one before it"
        if "content" in row and event_hash(previous, row["content"]) != row["hash"]:
            return f"event #{row['id']}: its content does not match its hash"
        previous = row["hash"]
    return ""
