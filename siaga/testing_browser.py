"""Real Chromium for browser tests: Debian's /usr/bin/chromium driven by Playwright.

Playwright never downloads a browser here. Without Chromium a browser test module skips
on a developer's machine and fails in CI (where .ci/run installs it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

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
