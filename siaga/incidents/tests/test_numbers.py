"""Human incident numbers: per WIB day, never clashing between the two servers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import time_machine
from django.test import override_settings

from siaga.incidents.models import Incident

MakeIncident = Callable[..., Incident]


def test_numbers_count_up_within_a_day(make_incident: MakeIncident) -> None:
    with time_machine.travel(datetime(2026, 12, 4, 3, 0, tzinfo=UTC), tick=False):
        numbers = [make_incident().number for _ in range(3)]

    assert numbers == ["TNG-20261204-0001", "TNG-20261204-0002", "TNG-20261204-0003"]


def test_the_day_in_the_number_is_the_day_in_wib(make_incident: MakeIncident) -> None:
    # 17:30 UTC on the 4th is 00:30 WIB on the 5th.
    with time_machine.travel(datetime(2026, 12, 4, 17, 30, tzinfo=UTC), tick=False):
        assert make_incident().number == "TNG-20261205-0001"


def test_two_servers_never_hand_out_the_same_number(
    make_incident: MakeIncident,
) -> None:
    numbers = []
    with time_machine.travel(datetime(2026, 12, 4, 3, 0, tzinfo=UTC), tick=False):
        for node in [1, 2, 2, 1, 2, 1]:
            with override_settings(SIAGA_NODE_INDEX=node, SIAGA_NODE_COUNT=2):
                numbers.append(make_incident().number)

    assert len(set(numbers)) == len(numbers)
    server_one = [
        n for n, node in zip(numbers, [1, 2, 2, 1, 2, 1], strict=True) if node == 1
    ]
    assert server_one == ["TNG-20261204-0001", "TNG-20261204-0003", "TNG-20261204-0005"]
    assert "TNG-20261204-0002" in numbers and "TNG-20261204-0004" in numbers


@override_settings(SIAGA_CITY_CODE="JKT")
def test_another_city_uses_its_own_code(make_incident: MakeIncident) -> None:
    assert make_incident().number.startswith("JKT-")
