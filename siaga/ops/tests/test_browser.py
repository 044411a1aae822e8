"""A real browser (Debian's Chromium via Playwright) against the demo server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from siaga.testing_browser import require_chromium

require_chromium()

from playwright.sync_api import Browser, Page  # noqa: E402


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # An English browser, as on many control-room PCs: the UI must stay Bahasa.
    context = browser.new_context(
        locale="en-US", viewport={"width": 1280, "height": 800}
    )
    yield context.new_page()
    context.close()


def test_an_operator_signs_in_with_the_keyboard_alone(
    demo: tuple[str, dict[str, str]], page: Page
) -> None:
    base, _ = demo
    page.goto(f"{base}/akun/masuk/")
    assert page.locator("html").get_attribute("lang") == "id"

    page.keyboard.type("telepon")  # the username field has the focus on arrival
    page.keyboard.press("Tab")
    page.keyboard.type("siaga112-demo")
    page.keyboard.press("Enter")

    page.wait_for_url("**/insiden/")
    assert page.get_by_role("heading", name="Insiden terbuka").is_visible()
    assert page.get_by_text("Operator Telepon (demo)").is_visible()


def test_a_wrong_password_is_explained_in_bahasa(
    demo: tuple[str, dict[str, str]], page: Page
) -> None:
    base, _ = demo
    page.goto(f"{base}/akun/masuk/")
    page.fill("#id_username", "telepon")
    page.fill("#id_password", "salah")
    page.get_by_role("button", name="Masuk").click()

    assert (
        page.get_by_role("alert")
        .inner_text()
        .startswith("Nama pengguna atau kata sandi salah")
    )
