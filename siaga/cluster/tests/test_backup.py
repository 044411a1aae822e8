"""`siaga backup` and `siaga restore`: a restore reproduces the data exactly, every
table and every sequence, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from siaga.incidents.models import Incident
from siaga.intake.actions import record_contact
from siaga.intake.models import Contact


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, and where each id sequence stands."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(include_views=False)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            found[table] = sorted(cursor.fetchall(), key=repr)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences")
        else:
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
        found["(sequences)"] = sorted(cursor.fetchall(), key=repr)
    return found


@pytest.mark.usefixtures("dataset_restored", "transactional_db")
def test_a_restore_reproduces_the_data_exactly(
    tmp_path: Path, make_incident: Callable[..., Incident]
) -> None:
    contact, _ = record_contact(
        channel="sms", sender="081234567890", text="Kebakaran di pasar", actor=None
    )
    make_incident(contacts=[contact])
    before = snapshot()
    call_command("backup", "--to", str(tmp_path / "siaga.backup"))

    record_contact(
        channel="sms", sender="081298765432", text="Pohon tumbang", actor=None
    )
    Contact.objects.filter(pk=contact.pk).update(text="diubah sesudah cadangan")
    assert snapshot() != before

    call_command("restore", "--from", str(tmp_path / "siaga.backup"), "--yes")

    assert snapshot() == before


def test_a_restore_asks_for_yes_and_refuses_what_is_not_a_backup(
    tmp_path: Path,
) -> None:
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", "--from", str(junk))
    with pytest.raises(CommandError):
        call_command("restore", "--from", str(tmp_path / "missing.backup"), "--yes")
