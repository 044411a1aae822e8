"""`append_event`: the single function that
writes the event log. Only actions call it."""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone

from siaga.events.chain import GENESIS, as_stored, event_hash
from siaga.events.models import Event
from siaga.events.sealing import seal, subject_of

if TYPE_CHECKING:
    from siaga.accounts.models import User

# Never copied into the log: secrets, and geometry too large to be worth a diff.
UNLOGGED_FIELDS = frozenset({"password", "token_digest", "geometry", "totp_secret"})

JSONValue = Any
# Any constant works; this one is easy to spot in pg_locks.
COMMIT_ORDER_LOCK = 112_112


class NotInTransactionError(RuntimeError):
    """An event appended outside a transaction could survive a rolled-back change."""


def append_event(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    before: dict[str, JSONValue] | None = None,
    after: dict[str, JSONValue] | None = None,
    incident: models.Model | None = None,
) -> Event:
    """Append one event; `actor=None` means the system (the worker, a deadline)."""
    if not connection.in_atomic_block:
        raise NotInTransactionError(
            f"{action} must run inside the action's transaction"
        )
    if connection.vendor == "postgresql":
        _hold_commit_order()
    event = Event(
        created_at=timezone.now(),
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "sistem",
        action=action,
        target_type=target._meta.model_name or "",
        target_id=str(target.pk),
        target_label=str(getattr(target, "event_label", target))[:100],
        incident_id=incident.pk if incident is not None else None,
        before=as_stored(sealed(before, target)),
        after=as_stored(sealed(after, target)),
    )
    # Appends are serialised (the lock above; SQLite's one writer), so the newest
    # event's hash is the one to chain to.
    event.prev_hash = (
        Event.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS
    )
    event.hash = event_hash(event.prev_hash, vars(event))
    event.save(force_insert=True)
    _announce(event)
    return event


def sealed(
    values: dict[str, JSONValue] | None, target: models.Model
) -> dict[str, JSONValue] | None:
    """A person's data sealed with their key (events/sealing.py), if the target names
    a subject; everything else as given."""
    subject = subject_of(target)
    return seal(values, subject) if subject is not None else values


def _hold_commit_order() -> None:
    """Event ids must become visible in id order, or a console reading "everything after
    id N" would skip a lower id committed late. SQLite serialises writers already; on
    PostgreSQL every transaction that appends an event takes this lock until it ends.
    Actions lock the rows they change before appending, so the lock is always last."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [COMMIT_ORDER_LOCK])


def _announce(event: Event) -> None:
    """Wake the consoles once the transaction commits: this process directly, other
    processes and servers through PostgreSQL NOTIFY (delivered only on commit)."""
    from siaga.events.bus import CHANNEL, TAILER

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, str(event.id)])
    transaction.on_commit(TAILER.wake)


def snapshot(
    instance: models.Model, fields: list[str] | None = None
) -> dict[str, JSONValue]:
    """The JSON-safe values of a row's concrete fields (foreign keys by id)."""
    values: dict[str, JSONValue] = {}
    for field in instance._meta.concrete_fields:
        if field.name in UNLOGGED_FIELDS or (
            fields is not None and field.name not in fields
        ):
            continue
        values[field.name] = json_safe(getattr(instance, field.attname))
    if instance.pk is not None:
        for m2m in instance._meta.many_to_many:
            if fields is None or m2m.name in fields:
                related = getattr(instance, m2m.name).order_by("pk")
                values[m2m.name] = [
                    str(pk) for pk in related.values_list("pk", flat=True)
                ]
    return values


def changes(
    before: dict[str, JSONValue], after: dict[str, JSONValue]
) -> tuple[dict[str, JSONValue], dict[str, JSONValue]]:
    """Only the keys whose values differ, from both sides."""
    keys = [key for key in after if before.get(key) != after[key]]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def json_safe(value: Any) -> JSONValue:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    return value
