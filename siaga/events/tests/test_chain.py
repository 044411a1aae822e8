"""The event log's hash chain: intact after real actions; one changed byte of one
stored event, or one removed event, is found and named by `siaga audit verify`."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from siaga.accounts.models import User
from siaga.accounts.roles import AGENCY_ROLES, Role
from siaga.events.audit import verify_log
from siaga.events.chain import GENESIS
from siaga.events.models import Event
from siaga.incidents.models import Incident

MakeIncident = Callable[..., Incident]


@contextmanager
def bypassing_the_guard() -> Iterator[None]:
    """What an intruder with the table owner's rights does: set the trigger aside."""
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:  # ALTER TABLE must find no deferred foreign-key check pending
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE events_event DISABLE TRIGGER events_event_append_only"
            )
        try:
            yield
        finally:
            if postgres:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(
                    "ALTER TABLE events_event ENABLE TRIGGER events_event_append_only"
                )


def raw(sql: str, *params: str | int) -> None:
    with bypassing_the_guard(), connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def test_every_event_chains_to_the_one_before(make_incident: MakeIncident) -> None:
    make_incident(agencies=("DAMKAR", "POLRES"))
    make_incident(category="medis", agencies=("DINKES",))

    broken, checked, head = verify_log()

    events = list(Event.objects.order_by("id"))
    assert broken is None
    assert checked == len(events) >= 5
    assert head == events[-1].hash
    assert events[0].prev_hash == GENESIS
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
    call_command("audit", "verify")


def test_one_changed_byte_is_found_and_named(make_incident: MakeIncident) -> None:
    make_incident()
    make_incident()
    middle = Event.objects.order_by("id")[3]
    label = middle.target_label
    raw(
        "UPDATE events_event SET target_label = %s WHERE id = %s",
        ("X" if label[:1] != "X" else "Y") + label[1:],
        middle.pk,
    )

    broken, checked, _ = verify_log()

    assert broken is not None
    assert (broken.event_id, broken.reason) == (
        middle.pk,
        "its content does not match its hash",
    )
    with pytest.raises(CommandError, match=f"event #{middle.pk} "):
        call_command("audit", "verify")


def test_a_changed_json_value_is_found(make_incident: MakeIncident) -> None:
    incident = make_incident()
    opened = Event.objects.get(incident=incident, action="incident.opened")
    after = dict(opened.after or {})
    after["priority"] = 5 if after.get("priority") != 5 else 4
    raw(
        "UPDATE events_event SET after = %s WHERE id = %s", json.dumps(after), opened.pk
    )

    broken, _, _ = verify_log()
    assert broken is not None and broken.event_id == opened.pk


def test_a_removed_event_is_found_at_the_next_one(make_incident: MakeIncident) -> None:
    make_incident()
    make_incident()
    events = list(Event.objects.order_by("id"))
    removed, following = events[2], events[3]
    raw("DELETE FROM events_event WHERE id = %s", removed.pk)

    broken, _, _ = verify_log()

    assert broken is not None and broken.event_id == following.pk
    assert "does not follow" in broken.reason


def test_an_exported_record_proves_itself_and_its_export_is_logged(
    make_incident: MakeIncident, supervisor: User
) -> None:
    from siaga.events.chain import verify_record
    from siaga.testing import page_client

    incident = make_incident(agencies=("DAMKAR",))
    make_incident()  # another incident's events fall between this one's
    from siaga.dispatching.actions import acknowledge_dispatch

    acknowledge_dispatch(incident.dispatches.get(), actor=None)

    response = page_client(supervisor).get(f"/insiden/{incident.number}/rekaman.json")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    record = json.loads(response.content)
    assert record["incident"] == incident.number
    assert [e["content"]["action"] for e in record["events"]][0] == "incident.opened"
    assert record["links"], "the other incident's events are in the proof as hashes"
    assert all("content" not in link for link in record["links"])
    assert verify_record(record) == ""
    exported = Event.objects.get(action="incident.record_exported")
    assert (exported.incident_id, exported.actor) == (incident.pk, supervisor)

    forged = json.loads(response.content)
    forged["events"][0]["content"]["actor_name"] = "orang lain"
    assert "content does not match" in verify_record(forged)
    gap = json.loads(response.content)
    gap["links"].pop(0)
    assert "does not follow" in verify_record(gap)


@pytest.mark.parametrize("role", sorted(Role.values))
def test_only_those_who_read_the_event_log_export_records(
    make_incident: MakeIncident, role: str
) -> None:
    from siaga.testing import make_user, page_client

    incident = make_incident(agencies=("DAMKAR",))
    user = make_user(f"r-{role}", role, "DAMKAR" if role in AGENCY_ROLES else "")

    status = (
        page_client(user).get(f"/insiden/{incident.number}/rekaman.json").status_code
    )

    assert status == (200 if role in {Role.SUPERVISOR, Role.ADMIN} else 403), role
