"""`siaga worker`: the background loop (deadlines,
escalations; later outbound messages)."""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from siaga.ops.worker import run_forever, run_once


class Command(BaseCommand):
    help = "Run the background worker loop (or one pass with --once)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            self.stdout.write(f"{run_once()} item(s) handled")
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        run_forever(settings.SIAGA_WORKER_INTERVAL, stop)
