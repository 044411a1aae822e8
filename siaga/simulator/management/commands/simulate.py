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
from siaga.accounts.models import User
from siaga.accounts.roles import Can
from siaga.datasets.loader import read_dataset
from siaga.simulator.mix import REAL_RATE_PER_HOUR, SCENARIOS, Day
from siaga.simulator.run import check, play
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

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rate"] <= 0 or options["duration"] < 0:
            raise CommandError("--rate must be positive and --duration not negative")
        wait_for(options["base"].rstrip("/"))
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None or not user.can(Can.SUBMIT_REPORTS):
            raise CommandError(f"{options['user']!r} is not an active integration")
        api_token, token = issue_api_token(
            user=user, name="simulator", actor=None, scopes=[Can.SUBMIT_REPORTS]
        )
        try:
            self.simulate(options, user, token)
        finally:
            revoke_api_token(api_token, actor=None)

    def simulate(self, options: dict[str, Any], user: User, token: str) -> None:
        doors = Doors(
            base=options["base"].rstrip("/"),
            token=token,
            app_user_id=user.pk,
            whatsapp_secret=settings.SIAGA_WHATSAPP_APP_SECRET or "",
            telegram_secret=settings.SIAGA_TELEGRAM_SECRET_TOKEN or "",
            aml_key=settings.SIAGA_AML_HMAC_KEY or "",
        )
        dataset = read_dataset(options["dataset"])
        month = options["month"] or timezone.localdate().month
        forever = options["duration"] == 0
        window = WINDOW_SECONDS if forever else options["duration"]
        seed = options["seed"]
        while True:
            day = Day(
                dataset,
                seed=seed,
                month=month,
                rate=options["rate"],
                scenario=options["scenario"],
            )
            reports = day.reports(window)
            sends = [
                s for i, r in enumerate(reports) for s in requests_for(i, r, doors)
            ]
            outcome = play(sends, doors, until=window)
            settle = 5 if forever else options["settle"]
            check(outcome, {s.key for s in sends}, settle=settle)
            for line in outcome.lines():
                self.stdout.write(line)
            if not forever:
                break
            seed += 1
            doors = replace(doors, run=f"{doors.run}-{seed}")
        if not outcome.ok:
            raise CommandError("the centre did not store exactly what was sent")


WINDOW_SECONDS = 600


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
