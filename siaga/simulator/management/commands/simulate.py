"""`siaga simulate --rate R --duration T [--seed S] [--base URL]`: a stretch of
Tangerang's day sent to a running centre through its public doors, then checked
against the database (siaga/simulator)."""

from __future__ import annotations

import time
import urllib.request
from argparse import ArgumentParser
from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from siaga.accounts.actions import issue_api_token, revoke_api_token
from siaga.accounts.models import ApiToken, User
from siaga.accounts.roles import Can
from siaga.datasets.loader import read_dataset
from siaga.simulator.floor import work
from siaga.simulator.mix import REAL_RATE_PER_HOUR, SCENARIOS, Day
from siaga.simulator.run import Outcome, check, play
from siaga.simulator.send import Doors, requests_for


class Command(BaseCommand):
    help = "Send a simulated stretch of the day to a running centre and check it."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--rate",
            type=float,
            default=REAL_RATE_PER_HOUR * 10,
            help="contacts an hour (default: ten times Tangerang's real rate)",
        )
        parser.add_argument(
            "--duration",
            type=float,
            default=60,
            help="seconds; 0 runs until stopped (make demo), ten minutes at a time",
        )
        parser.add_argument("--seed", type=int, default=112)
        parser.add_argument(
            "--scenario",
            choices=SCENARIOS,
            default="day",
            help="an ordinary day, or a surge on top of it: a flood, a prank wave",
        )
        parser.add_argument(
            "--dataset", default="tangerang", help="the city's data set: its places"
        )
        parser.add_argument(
            "--month", type=int, choices=range(1, 13), help="default: this month"
        )
        parser.add_argument("--base", default="http://127.0.0.1:8000")
        parser.add_argument("--user", default="aplikasi", help="the integration")
        parser.add_argument("--settle", type=float, default=30, help="seconds to wait")
        parser.add_argument(
            "--operate",
            default="",
            metavar="USER",
            help="a call taker's account: afterwards, work every contact through the "
            "API (classify; open, merge and dispatch the real ones) and report what "
            "the system made of them",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("the simulator never runs against a production centre")
        if options["rate"] <= 0 or options["duration"] < 0:
            raise CommandError("--rate must be positive and --duration not negative")
        user = account(options["user"], [Can.SUBMIT_REPORTS], "integration")
        operator = (
            account(options["operate"], FLOOR_SCOPES, "call taker")
            if options["operate"]
            else None
        )
        wait_for(options["base"].rstrip("/"))
        tokens: list[ApiToken] = []
        try:
            token = issued(user, [Can.SUBMIT_REPORTS], tokens)
            floor = issued(operator, FLOOR_SCOPES, tokens) if operator else ""
            self.simulate(options, user, token, floor)
        finally:
            for api_token in tokens:
                revoke_api_token(api_token, actor=None)

    def simulate(
        self, options: dict[str, Any], user: User, token: str, operator: str
    ) -> None:
        doors = Doors(
            base=options["base"].rstrip("/"),
            token=token,
            app_user_id=user.pk,
            whatsapp_secret=settings.SIAGA_WHATSAPP_APP_SECRET or "",
            telegram_secret=settings.SIAGA_TELEGRAM_SECRET_TOKEN or "",
            meta_secret=settings.SIAGA_META_APP_SECRET or "",
            x_secret=settings.SIAGA_X_CONSUMER_SECRET or "",
            aml_key=settings.SIAGA_AML_HMAC_KEY or "",
        )
        forever = options["duration"] == 0
        seed = options["seed"]
        while True:
            outcome = self.window(options, doors, seed, operator)
            if not forever:
                break
            seed += 1
            doors = replace(doors, run=f"{doors.run}-{seed}")
        if not outcome.ok:
            raise CommandError("the centre did not store exactly what was sent")

    def window(
        self, options: dict[str, Any], doors: Doors, seed: int, operator: str
    ) -> Outcome:
        """One stretch of the day: sent, checked, and worked by the floor if asked."""
        forever = options["duration"] == 0
        seconds = WINDOW_SECONDS if forever else options["duration"]
        day = Day(
            read_dataset(options["dataset"]),
            seed=seed,
            month=options["month"] or timezone.localdate().month,
            rate=options["rate"],
            scenario=options["scenario"],
        )
        reports = day.reports(seconds)
        per_report = [requests_for(i, r, doors) for i, r in enumerate(reports)]
        sends = [send for found in per_report for send in found]
        outcome = play(sends, doors, until=seconds)
        check(
            outcome, {s.key for s in sends}, settle=5 if forever else options["settle"]
        )
        self.stdout.write("\n".join(outcome.lines()))
        if operator:
            pairs = [
                (r, f[0].key) for r, f in zip(reports, per_report, strict=True) if f
            ]
            floor = work(pairs, base=doors.base, token=operator)
            self.stdout.write("\n".join(floor.lines()))
            if floor.refused:
                raise CommandError(f"the API refused the floor: {floor.refused[:3]}")
            if floor.unclassified:
                raise CommandError("the floor left contacts unclassified")
        return outcome


WINDOW_SECONDS = 600
FLOOR_SCOPES = [
    Can.WRITE_CONTACTS,
    Can.WRITE_INCIDENTS,
    Can.DISPATCH,
    Can.VIEW_INCIDENTS,
    Can.VIEW_REFERENCE,
]


def account(username: str, needs: list[Can], what: str) -> User:
    found = User.objects.filter(username=username, is_active=True).first()
    if found is None or not all(found.can(need) for need in needs):
        raise CommandError(f"{username!r} is not an active {what}")
    return found


def issued(user: User, scopes: list[Can], tokens: list[ApiToken]) -> str:
    """A token for this run only, narrowed to `scopes` (revoked when the run ends)."""
    api_token, token = issue_api_token(
        user=user, name="simulator", actor=None, scopes=scopes
    )
    tokens.append(api_token)
    return token


def wait_for(base: str, seconds: float = 60) -> None:
    """The centre answering /healthz (make demo starts both at once)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                return
        except OSError:
            if time.monotonic() > deadline:
                raise CommandError(f"no centre answers at {base}") from None
            time.sleep(0.5)
