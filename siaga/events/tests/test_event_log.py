from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest
from django.db import DatabaseError, connection, transaction

from siaga.events.log import NotInTransactionError, append_event
from siaga.events.models import AppendOnlyError, Event
from siaga.incidents.models import Incident

MakeIncident = Callable[..., Incident]

SIAGA = Path(__file__).resolve().parents[2]
WRITES_TO_LOG = re.compile(
    r"\bappend_event\("
    r"|Event\.objects\.(create|bulk_create)"
    r"|(?<!class )(?<![.\w])Event\("
)


def is_action_module(path: Path) -> bool:
    return path.name == "actions.py" or path.parent.name == "actions"


def test_only_actions_append_to_the_event_log() -> None:
    offenders = []
    for path in SIAGA.rglob("*.py"):
        if "tests" in path.parts or path == SIAGA / "events" / "log.py":
            continue
        if WRITES_TO_LOG.search(
            path.read_text(encoding="utf-8")
        ) and not is_action_module(path):
            offenders.append(str(path.relative_to(SIAGA)))
    assert offenders == []


def test_the_grep_would_catch_an_offender() -> None:
    assert WRITES_TO_LOG.search("    append_event(actor=None, action='x', target=t)")
    assert WRITES_TO_LOG.search("Event.objects.create(action='x')")
    assert WRITES_TO_LOG.search("row = Event(action='x')")
    assert not WRITES_TO_LOG.search("stop = threading.Event()")


def test_event_rows_cannot_be_changed_or_deleted(make_incident: MakeIncident) -> None:
    make_incident()
    event = Event.objects.latest("id")
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger is PostgreSQL's")
def test_postgres_refuses_truncating_the_log(make_incident: MakeIncident) -> None:
    make_incident()
    with (
        pytest.raises(DatabaseError, match="TRUNCATE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's pending checks
        cursor.execute("SET LOCAL siaga.allow_truncate = 'off'")  # as the app
        cursor.execute("TRUNCATE events_event CASCADE")
    assert Event.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger is PostgreSQL's")
def test_postgres_refuses_raw_updates_to_the_log(make_incident: MakeIncident) -> None:
    make_incident()
    event_id = Event.objects.latest("id").pk
    for sql in [
        "UPDATE events_event SET action = 'x' WHERE id = %s",
        "DELETE FROM events_event WHERE id = %s",
    ]:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event_id])


def test_an_event_outside_a_transaction_is_refused(make_incident: MakeIncident) -> None:
    incident = make_incident()
    # pytest-django wraps each test in a transaction: pretend we are in autocommit.
    with (
        mock.patch.object(connection, "in_atomic_block", False),
        pytest.raises(NotInTransactionError),
    ):
        append_event(actor=None, action="incident.poked", target=incident)
