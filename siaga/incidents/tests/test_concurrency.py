"""Incident numbers under concurrent writers, each thread on its own connection."""

from __future__ import annotations

import threading

from django.db import connection

from siaga.incidents.actions import open_incident
from siaga.incidents.models import Category, Incident

WRITERS = 8
EACH = 5


def open_some(errors: list[BaseException]) -> None:
    try:
        category = Category.objects.get(code="kebakaran")
        for _ in range(EACH):
            open_incident(category=category, actor=None)
    except BaseException as error:  # reported by the main thread
        errors.append(error)
    finally:
        connection.close()


def test_concurrent_writers_never_share_a_number(
    dataset_restored: None, transactional_db: None
) -> None:
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=open_some, args=(errors,)) for _ in range(WRITERS)
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    numbers = list(Incident.objects.values_list("number", flat=True))
    assert len(numbers) == WRITERS * EACH
    assert len(set(numbers)) == len(numbers)
    sequences = sorted(int(number.rsplit("-", 1)[1]) for number in numbers)
    assert sequences == list(range(1, WRITERS * EACH + 1))
