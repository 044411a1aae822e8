"""Wakes the embedded worker as soon as a commit leaves work for it, so a webhook's
messages reach the consoles in well under its polling interval."""

from __future__ import annotations

import threading
import time

WORK_WAITING = threading.Event()


def nudge_worker() -> None:
    WORK_WAITING.set()


def wait_for_work(timeout: float, stop: threading.Event) -> None:
    """Sleep until `timeout` passes, work is waiting, or `stop` is set."""
    deadline = time.monotonic() + timeout
    while not stop.is_set():
        remaining = deadline - time.monotonic()
        if remaining <= 0 or WORK_WAITING.wait(min(0.2, remaining)):
            break
    WORK_WAITING.clear()
