"""Shared test set-up: the Tangerang data set loaded once, and one persona per role.

Personas: a call taker, a room operator, a Damkar operator, a Dinkes operator (the other
agency, who must be refused Damkar's incidents), a supervisor, an admin and a wallboard.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import settings

from siaga.accounts.models import User
from siaga.accounts.roles import Role
from siaga.agencies.models import Agency
from siaga.datasets.loader import load_dataset, read_dataset
from siaga.incidents.actions import Place, open_incident
from siaga.incidents.models import Category, Incident
from siaga.testing import make_user
from siaga.testing_browser import browser  # noqa: F401  (fixtures for every test folder)
from siaga.testing_providers import provider  # noqa: F401
from siaga.testing_server import demo  # noqa: F401


def pytest_configure() -> None:
    os.environ.setdefault("SIAGA_ENV", "test")
    # The same examples on every run, so CI never fails by luck; to go looking for new
    # failures run with HYPOTHESIS_PROFILE=explore (random, and more examples).
    settings.register_profile("repeatable", derandomize=True, deadline=None)
    settings.register_profile("explore", max_examples=500, deadline=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Load the Tangerang data set once; each test's changes roll back around it."""
    with django_db_blocker.unblock():
        load_dataset(read_dataset("tangerang"), actor=None)
    yield


@pytest.fixture
def call_taker(db: None) -> User:
    return make_user("sari", Role.CALL_TAKER)


@pytest.fixture
def room_operator(db: None) -> User:
    return make_user("budi", Role.ROOM_OPERATOR)


@pytest.fixture
def damkar_operator(db: None) -> User:
    return make_user("opd-damkar", Role.AGENCY_OPERATOR, "DAMKAR")


@pytest.fixture
def dinkes_operator(db: None) -> User:
    return make_user("opd-dinkes", Role.AGENCY_OPERATOR, "DINKES")


@pytest.fixture
def supervisor(db: None) -> User:
    return make_user("koor", Role.SUPERVISOR)


@pytest.fixture
def admin_user(db: None) -> User:
    return make_user("admin-uji", Role.ADMIN)


@pytest.fixture
def wallboard(db: None) -> User:
    return make_user("layar", Role.WALLBOARD)


@pytest.fixture
def make_incident(db: None) -> Callable[..., Incident]:
    def make(
        category: str = "kebakaran",
        agencies: tuple[str, ...] = ("DAMKAR",),
        actor: User | None = None,
        lat: float | None = -6.1746,
        lon: float | None = 106.6339,
        **fields: Any,
    ) -> Incident:
        return open_incident(
            category=Category.objects.get(code=category),
            place=Place(lat=lat, lon=lon),
            agencies=list(Agency.objects.filter(code__in=agencies)),
            actor=actor,
            **fields,
        )

    return make


@pytest.fixture
def dataset_restored(django_db_blocker: Any) -> Iterator[None]:
    """A transactional test empties the database when it ends; put the data set back.

    Requested before `transactional_db`, so this teardown runs after its flush."""
    yield
    with django_db_blocker.unblock():
        load_dataset(read_dataset("tangerang"), actor=None)
