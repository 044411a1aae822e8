"""The app's own database role: it may read and write the tables, but not rewrite the
event log or erase it, and it owns nothing.

On PostgreSQL the owner of a table may do anything to it, triggers or not (drop them,
TRUNCATE, ALTER). So the owner runs the migrations, and the web and worker processes
connect as another role that `siaga grant-app-role` grants exactly this:
- every table: SELECT, INSERT, UPDATE, DELETE;
- the event log: SELECT and INSERT only (no UPDATE, DELETE or TRUNCATE, and as a
  non-owner it cannot drop the triggers either);
- the sequences: USAGE and SELECT.
Run it again after each `siaga migrate` (new tables need their grants).
"""

from __future__ import annotations

from django.db import connection, transaction
from psycopg import sql

from siaga.lib.errors import InvalidInput

APPEND_ONLY = ("events_event",)


@transaction.atomic
def grant_app_role(role: str) -> list[str]:
    """Grant `role` what the app needs and no more, all at once (a re-run never leaves
    the log writable for a moment); returns the statements run."""
    if connection.vendor != "postgresql":
        raise InvalidInput("app roles are PostgreSQL's; SQLite has one user")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone() is None:
            raise InvalidInput(
                f"no role {role!r}: create it first "
                f"(CREATE ROLE {role} LOGIN PASSWORD '…')"
            )
        cursor.execute("SELECT current_database(), current_schema()")
        database, schema = cursor.fetchone()
        who, db, where = (
            sql.Identifier(role),
            sql.Identifier(database),
            sql.Identifier(schema),
        )
        statements = [
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(db, who),
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(where, who),
            sql.SQL(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {} TO {}"
            ).format(where, who),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(
                where, who
            ),
            *(
                sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                    sql.Identifier(table), who
                )
                for table in APPEND_ONLY
            ),
        ]
        done = []
        for statement in statements:
            text = statement.as_string(cursor.connection)
            cursor.execute(text)
            done.append(text)
    return done
