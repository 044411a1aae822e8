"""Run a simulated stretch of the day against a live centre, then check what it stored.

1. The day's reports (mix.Day) become requests (send.requests_for), in time order.
2. Each is sent at its moment (real time from the start), one at a time; calls still
   going when the duration ends are answered and hung up at once.
3. Then the database is asked, until the worker has caught up or `settle` seconds
   pass: every contact sent must be stored exactly once, found by the channel and the
   provider id it was sent with.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from siaga.intake.models import Contact
from siaga.simulator.send import Doors, Send, deliver


@dataclass
class Outcome:
    """What was sent, what the doors answered, what the database holds."""

    sent: Counter[str] = field(default_factory=Counter)  # contacts, by channel
    requests: int = 0
    refused: list[tuple[str, int]] = field(default_factory=list)  # path, status
    stored: Counter[str] = field(default_factory=Counter)
    missing: list[tuple[str, str]] = field(default_factory=list)
    doubled: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.refused or self.missing or self.doubled)

    def lines(self) -> list[str]:
        rows = [f"{'kanal':<10} {'dikirim':>8} {'tersimpan':>10}"]
        for channel in sorted(self.sent):
            rows.append(
                f"{channel:<10} {self.sent[channel]:>8} {self.stored[channel]:>10}"
            )
        rows.append(
            f"{self.requests} requests; refused {len(self.refused)}, "
            f"missing {len(self.missing)}, stored twice {len(self.doubled)}"
        )
        return rows


def play(sends: list[Send], doors: Doors, *, until: float) -> Outcome:
    """Send each request at its moment; those due after `until` seconds (the end of
    calls still going when the run ends) go at once, so a run lasts its duration."""
    outcome = Outcome()
    start = time.monotonic()
    keys = {send.key for send in sends}
    outcome.sent = Counter(channel for channel, _ in keys)
    for send in sorted(sends, key=lambda s: s.at):
        wait = start + min(send.at, until) - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        status = deliver(doors.base, send)
        outcome.requests += 1
        if not 200 <= status < 300:
            outcome.refused.append((send.path, status))
    return outcome


def check(outcome: Outcome, keys: set[tuple[str, str]], *, settle: float) -> Outcome:
    """Count each sent contact in the database, waiting up to `settle` seconds for the
    worker to make contacts of the providers' webhooks."""
    deadline = time.monotonic() + settle
    while True:
        found = stored_counts(keys)
        missing = sorted(key for key in keys if found.get(key, 0) == 0)
        if not missing or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    outcome.missing = missing
    outcome.doubled = sorted(key for key, n in found.items() if n > 1)
    outcome.stored = Counter(channel for (channel, _), n in found.items() if n)
    return outcome


def stored_counts(keys: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    return {key: len(ids) for key, ids in stored(keys).items()}


def stored(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], list[str]]:
    """The public ids of the contacts stored under each (channel, provider id)."""
    keys = set(keys)
    found: dict[tuple[str, str], list[str]] = {}
    for channel in {channel for channel, _ in keys}:
        ids = [provider_id for c, provider_id in keys if c == channel]
        rows = Contact.objects.filter(channel=channel, provider_id__in=ids)
        for provider_id, public_id in rows.values_list("provider_id", "public_id"):
            found.setdefault((channel, provider_id), []).append(str(public_id))
    return found
