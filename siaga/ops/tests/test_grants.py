"""The app's own database role writes the tables but can never rewrite or erase the
event log, nor drop its triggers (PostgreSQL; siaga/ops/grants.py)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from siaga.intake.actions import record_contact

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles are PostgreSQL's"
)


@pytest.fixture
def app_role(dataset_restored: None, transactional_db: None) -> Iterator[str]:
    """A login role made for this test (roles are cluster-wide), dropped after."""
    role = f"siaga_app_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN")
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f"DROP OWNED BY {role}")
        cursor.execute(f"DROP ROLE {role}")


def as_role(role: str) -> psycopg.Connection[tuple[object, ...]]:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=role,
        autocommit=True,
    )


def refused(db: psycopg.Connection[tuple[object, ...]], statement: str) -> str:
    with pytest.raises(psycopg.Error) as caught:
        db.execute(statement)
    return str(caught.value)


def test_the_app_role_writes_but_never_rewrites_the_log(app_role: str) -> None:
    record_contact(channel="sms", sender="081234567890", text="tolong", actor=None)
    out = StringIO()
    call_command("grant_app_role", "--role", app_role, stdout=out)

    with as_role(app_role) as db:
        read = db.execute("SELECT count(*) FROM events_event").fetchone()
        assert read is not None and int(str(read[0])) > 0
        may_append = "SELECT has_table_privilege('events_event', 'INSERT')"
        assert db.execute(may_append).fetchone() == (True,)
        db.execute("UPDATE intake_contact SET note = 'dicek'")  # its own tables: yes
        for statement in (
            "UPDATE events_event SET action = 'x'",
            "DELETE FROM events_event",
            "TRUNCATE events_event CASCADE",
            "ALTER TABLE events_event DISABLE TRIGGER ALL",
            "DROP TRIGGER events_event_append_only ON events_event",
        ):
            message = refused(db, statement)
            assert "permission denied" in message or "must be owner" in message

    assert "REVOKE UPDATE, DELETE, TRUNCATE" in out.getvalue()


def test_a_missing_role_is_a_clear_error(db: None) -> None:
    with pytest.raises(CommandError, match="create it first"):
        call_command("grant_app_role", "--role", "tidak_ada_peran_ini")
