"""Real Chromium for browser tests: Debian's /usr/bin/chromium driven by Playwright.

Playwright never downloads a browser here. Without Chromium a browser test module skips
on a developer's machine and fails in CI (where .ci/run installs it).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",  # the agency alarm may sound
]


def require_chromium() -> None:
    """Call at the top of a browser test module."""
    if not CHROMIUM.exists() and os.environ.get("CI") != "true":
        pytest.skip(
            "Debian's chromium is not installed (.ci/run installs it)",
            allow_module_level=True,
        )


@pytest.fixture
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


def wait_until(page: Page, expression: str, timeout: float = 10.0) -> None:
    """Wait until a JavaScript expression is truthy in the page. Playwright's
    `wait_for_function` compiles its string with eval, which the app's
    Content-Security-Policy refuses (as it should); `evaluate` is not affected."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if page.evaluate(f"Boolean({expression})"):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {timeout:.0f} s: {expression}")
