"""Two supervisors starting an exercise for the same trainee at once: one exercise,
one clear refusal (each thread on its own connection; meaningful on PostgreSQL, where
writers do not queue for the whole database as on SQLite)."""

from __future__ import annotations

import threading
from collections import Counter

from django.db import connection

from siaga.accounts.models import User
from siaga.accounts.roles import Role
from siaga.lib.errors import ActionError
from siaga.testing import make_user
from siaga.training.actions import start_exercise
from siaga.training.models import Exercise

STARTS = 4


def start(
    trainee: User, boss: User, outcomes: list[str], gate: threading.Barrier
) -> None:
    try:
        gate.wait(timeout=30)
        start_exercise(trainee=trainee, scenario="gelombang-iseng", actor=boss)
        outcomes.append("started")
    except ActionError as error:
        outcomes.append(error.message)
    finally:
        connection.close()


def test_concurrent_starts_for_one_trainee_make_one_exercise(
    dataset_restored: None, transactional_db: None
) -> None:
    trainee = make_user("sari", Role.CALL_TAKER)
    boss = make_user("koordinator", Role.SUPERVISOR)
    outcomes: list[str] = []
    gate = threading.Barrier(STARTS)
    threads = [
        threading.Thread(target=start, args=(trainee, boss, outcomes, gate))
        for _ in range(STARTS)
    ]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert Counter(outcomes) == {
        "started": 1,
        "sari has an unfinished exercise": STARTS - 1,
    }
    assert Exercise.objects.filter(trainee=trainee).count() == 1
