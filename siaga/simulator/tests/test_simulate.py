"""`siaga simulate` against the centre `make demo` runs: every contact it sends through
the public doors (calls and their AML fixes, SMS, the app, WhatsApp and Telegram signed
as they sign) is stored exactly once."""

from __future__ import annotations

import re
from dataclasses import replace

from siaga.datasets.loader import read_dataset
from siaga.lib.aml import parse_aml_https
from siaga.simulator.mix import Day
from siaga.simulator.send import Doors, Send, requests_for
from siaga.testing_server import siaga

Demo = tuple[str, dict[str, str]]


def test_a_burst_at_many_times_the_real_rate_is_stored_exactly_once(
    demo: Demo,
) -> None:
    base, env = demo

    out = siaga(
        env, "simulate", "--base", base, "--rate", "20000", "--duration", "6",
        "--seed", "2", "--month", "12", "--settle", "30",
    )  # fmt: skip

    assert "missing 0, stored twice 0" in out and "refused 0" in out, out
    sent = {m[0]: int(m[1]) for m in re.findall(r"^(\w+)\s+(\d+)\s+\d+$", out, re.M)}
    stored = {m[0]: int(m[1]) for m in re.findall(r"^(\w+)\s+\d+\s+(\d+)$", out, re.M)}
    assert sent == stored and sum(sent.values()) > 20
    assert set(sent) == {"call", "aml", "sms", "app", "whatsapp", "telegram"}


def test_every_channel_is_shaped_and_a_call_is_three_events() -> None:
    doors = Doors("http://x", "sg_t", 7, whatsapp_secret="w", telegram_secret="t")
    reports = Day(read_dataset("tangerang"), seed=1, month=1, rate=400).reports(3600)
    by_channel: dict[str, list[Send]] = {}
    for index, report in enumerate(reports):
        by_channel.setdefault(report.channel, requests_for(index, report, doors))

    assert set(by_channel) == {"call", "sms", "app", "whatsapp", "telegram"}
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
    unsigned = Doors("http://x", "sg_t", 7)
    assert not requests_for(
        0, next(r for r in reports if r.channel == "telegram"), unsigned
    )
