from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client


def test_healthz_answers_without_a_login(db: None) -> None:
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_a_writable_database(db: None) -> None:
    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": connection.vendor}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="uses SQLite's query_only")
def test_readyz_is_503_when_the_database_refuses_writes(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")
    try:
        response = Client().get("/readyz")
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")

    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL read-only mode"
)
def test_readyz_is_503_when_postgres_is_read_only(db: None) -> None:
    # A hot standby refuses every write as a read-only transaction; so does this one.
    with connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION READ ONLY")

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert "read-only" in response.json()["error"]
