"""`siaga simulate` against the centre `make demo` runs: every contact it sends through
the public doors (calls and their AML fixes, SMS, the app, WhatsApp, Messenger, X and
Telegram signed as they sign) is stored exactly once."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from siaga.accounts.models import ApiToken
from siaga.accounts.roles import Role
from siaga.datasets.loader import read_dataset
from siaga.lib.aml import parse_aml_https
from siaga.simulator.floor import FloorReport, tally
from siaga.simulator.mix import CHANNELS, Day
from siaga.simulator.send import Doors, Send, requests_for
from siaga.testing import make_user
from siaga.testing_server import fresh_server, siaga

Served = tuple[str, dict[str, str]]


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """What `make demo` serves, for these tests alone: their bursts would fill the
    session's demo queue, and other tests' open incidents would take in their flood."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("the demo runs on embedded SQLite; the SQLite run covers it")
    with fresh_server(tmp_path_factory.mktemp("simulated")) as served:
        yield served


def test_a_burst_at_many_times_the_real_rate_is_stored_exactly_once(
    own_server: Served,
) -> None:
    base, env = own_server

    out = siaga(
        env, "simulate", "--base", base, "--rate", "30000", "--duration", "6",
        "--seed", "27", "--month", "12", "--settle", "30",
    )  # fmt: skip

    assert "missing 0, stored twice 0" in out and "refused 0" in out, out
    sent = {m[0]: int(m[1]) for m in re.findall(r"^(\w+)\s+(\d+)\s+\d+$", out, re.M)}
    stored = {m[0]: int(m[1]) for m in re.findall(r"^(\w+)\s+\d+\s+(\d+)$", out, re.M)}
    assert sent == stored and sum(sent.values()) > 20
    assert set(sent) == {"aml", *CHANNELS}


def test_a_flood_worked_by_the_floor_is_merged_and_dispatched(
    own_server: Served,
) -> None:
    out = flood(*own_server)

    assert "missing 0, stored twice 0" in out and "refused 0" in out, out
    floor = re.search(
        r"floor: (\d+) reports worked, (\d+) real, (\d+) happenings; 0 not stored.*\n"
        r"system: (\d+) incidents, (\d+) reports merged into one, (\d+) dispatches",
        out,
    )
    assert floor is not None, out
    _, real, events, incidents, merged, dispatches = map(int, floor.groups())
    assert real > 20 and events < real  # hundreds an hour, of a few spots
    assert incidents == events and merged == real - events  # one incident a spot
    assert "happenings split over incidents 0;" in out
    assert "left unclassified 0;" in out  # every report the floor worked is classified
    assert dispatches >= incidents  # BPBD, at least, for each flooded spot


def flood(base: str, env: dict[str, str]) -> str:
    return siaga(
        env, "simulate", "--base", base, "--scenario", "flood", "--rate", "20000",
        "--duration", "8", "--seed", "5", "--settle", "30", "--operate", "telepon",
    )  # fmt: skip


def test_every_channel_is_shaped_and_a_call_is_three_events(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("siaga.simulator.send.time.time", lambda: 1_764_900_000.0)
    doors = Doors(
        "http://x", "sg_t", 7, whatsapp_secret="w", telegram_secret="t",
        meta_secret="m", x_secret="x",
    )  # fmt: skip
    reports = Day(read_dataset("tangerang"), seed=1, month=1, rate=2000).reports(3600)
    by_channel: dict[str, list[Send]] = {}
    for index, report in enumerate(reports):
        by_channel.setdefault(report.channel, requests_for(index, report, doors))

    assert set(by_channel) == set(CHANNELS)
    assert [s.path for s in by_channel["call"][:3]] == ["/hooks/telephony"] * 3
    assert len({s.key for s in by_channel["call"][:3]}) == 1  # one contact
    android = next(r for r in reports if r.handset)
    fix = requests_for(0, android, doors)[3]
    assert fix.path == "/hooks/aml" and fix.key[0] == "aml"
    assert fix.at > android.at and b"location_latitude=-6." in fix.body
    signed = requests_for(0, android, replace(doors, aml_key="k"))[3]
    assert parse_aml_https(signed.body.decode(), "k") == parse_aml_https(
        fix.body.decode()
    )
    assert (
        by_channel["whatsapp"][0].headers["X-Hub-Signature-256"].startswith("sha256=")
    )
    assert by_channel["app"][0].key[1].startswith("7:")
    assert by_channel["messenger"][0].path == "/hooks/meta"
    assert by_channel["messenger"][0].headers["X-Hub-Signature-256"].startswith("sha")
    assert by_channel["x"][0].headers["x-twitter-webhooks-signature"].endswith("=")
    unsigned = Doors("http://x", "sg_t", 7)
    assert not requests_for(
        0, next(r for r in reports if r.channel == "telegram"), unsigned
    )


def test_a_wrong_account_or_production_is_refused_and_leaves_no_token(
    db: None, settings: Any
) -> None:
    make_user("aplikasi", Role.INTEGRATION)
    make_user("theater", Role.WALLBOARD)

    with pytest.raises(CommandError, match="'theater' is not an active call taker"):
        call_command("simulate", "--operate", "theater", "--base", "http://127.0.0.1:9")
    settings.IS_PRODUCTION = True
    with pytest.raises(CommandError, match="never runs against a production"):
        call_command("simulate", "--base", "http://127.0.0.1:9")

    assert not ApiToken.objects.exists()


def test_a_report_never_stored_is_skipped_by_the_floors_tally(db: None) -> None:
    report = Day(read_dataset("tangerang"), seed=3, month=1, rate=4000).reports(60)
    real = next(r for r in report if r.outcome == "emergency")
    result = FloorReport()

    tally([(real, ("sms", "never-arrived"))], {}, result)

    assert (result.events, result.merged, result.dispatches) == (0, 0, 0)
