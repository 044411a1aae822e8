"""`siaga serve`: the consoles and the API under uvicorn (ASGI)."""

from __future__ import annotations

import os
import threading
from argparse import ArgumentParser
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand

from siaga.ops.worker import run_forever


class Command(BaseCommand):
    help = "Serve Siaga112 with uvicorn (and, embedded, the worker loop too)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("PORT", "8000"))
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if settings.SIAGA_EMBEDDED_WORKER:
            threading.Thread(
                target=run_forever,
                args=(settings.SIAGA_WORKER_INTERVAL, stop),
                name="siaga-worker",
                daemon=True,
            ).start()
        self.stdout.write(f"Siaga112 at http://{options['host']}:{options['port']}/")
        try:
            uvicorn.run(
                "config.asgi:application",
                host=options["host"],
                port=options["port"],
                lifespan="off",
                proxy_headers=settings.IS_PRODUCTION,
                log_level="info",
                log_config=None,  # uvicorn's lines go through Django's LOGGING (JSON)
            )
        finally:
            stop.set()
