"""On PostgreSQL, TRUNCATE of the event log is refused too (row triggers do not see it).

Only a session that sets `siaga.allow_truncate = on` may truncate: the test suite's
connections do (the test runner empties tables with TRUNCATE between tests); the app's
and the backup tools' never do (`pg_restore --clean` drops and recreates, which is not a
TRUNCATE). The table's owner could still drop the trigger: the hash chain and a head
hash kept elsewhere catch that (docs/security.md).
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION events_event_no_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('siaga.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the event log is append-only (TRUNCATE refused)';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER events_event_no_truncate
    BEFORE TRUNCATE ON events_event
    FOR EACH STATEMENT EXECUTE FUNCTION events_event_no_truncate();
"""
DROP = """
DROP TRIGGER IF EXISTS events_event_no_truncate ON events_event;
DROP FUNCTION IF EXISTS events_event_no_truncate();
"""


def create_trigger(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("events", "0003_hash_chain")]
    operations = [migrations.RunPython(create_trigger, drop_trigger)]
