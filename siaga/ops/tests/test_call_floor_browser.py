"""The call floor end to end in real Chromium.

A PBX call pops on the call taker's screen, becomes a fallen-tree incident at a
landmark and reaches the parks and Dishub consoles live; Dishub acknowledges and the
incident page shows it; Polres never sees it."""

from __future__ import annotations

import re

from siaga.testing_browser import require_chromium
from siaga.testing_server import call_api, siaga

require_chromium()

from playwright.sync_api import Browser, BrowserContext, Page, expect  # noqa: E402

Demo = tuple[str, dict[str, str]]


def signed_in(browser: Browser, base: str, username: str, path: str) -> Page:
    context: BrowserContext = browser.new_context(
        viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(f"{base}/akun/masuk/?next={path}")
    page.fill("#id_username", username)
    page.fill("#id_password", "siaga112-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{path}")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "on")
    return page


def test_a_call_becomes_a_dispatched_incident_that_agencies_see_live(
    demo: Demo, browser: Browser
) -> None:
    base, env = demo
    pbx = siaga(env, "create-token", "--user", "telepon", "--name", "PBX").strip()
    call_taker = signed_in(browser, base, "telepon", "/konsol/")
    parks = signed_in(browser, base, "dkp", "/opd/")
    dishub = signed_in(browser, base, "dishub", "/opd/")
    police = signed_in(browser, base, "polres", "/opd/")

    # The PBX rings the call in and an operator answers: it pops without a reload.
    call = {"call_id": "e2e-1", "caller_id": "sip:0812-5555-0001@pbx"}
    call_api(base, pbx, "POST", "/hooks/telephony", call | {"event": "ringing"})
    call_api(base, pbx, "POST", "/hooks/telephony", call | {"event": "answered"})
    item = call_taker.locator(".queue-item", has_text="0812-5555-0001")
    expect(item).to_be_visible()

    # Classified with the keyboard: emergency, fallen tree, at Pasar Anyar.
    item.focus()
    call_taker.keyboard.press("Enter")
    call_taker.wait_for_selector("#triage-form")
    # The form is there before the page's scripts (shortcuts, category defaults) run;
    # a person cannot type that fast, a test can: wait for them.
    call_taker.wait_for_load_state("domcontentloaded")
    call_taker.keyboard.press("1")
    call_taker.select_option("#id_category", "pohon-tumbang")
    call_taker.fill("#id_address", "depan psr anyar")
    call_taker.locator("button.place", has_text="Pasar Anyar").click()
    call_taker.fill("#id_description", "Pohon tumbang menimpa angkot")
    expect(call_taker.locator("input[name=agencies][value=DKP]")).to_be_checked()
    call_taker.keyboard.press("Control+Enter")
    saved = call_taker.locator(".messages")
    expect(saved).to_contain_text("Tersimpan")
    number = re.search(r"TNG-\d{8}-\d{4}", saved.inner_text())
    assert number is not None
    incident = number.group(0)

    # Parks and Dishub see it without a reload, highlighted, with the alarm on.
    for console in (parks, dishub):
        card = console.locator(f".dispatch[data-incident='{incident}']")
        expect(card).to_have_class(re.compile("unacknowledged"))
        expect(console.locator("body")).to_have_attribute("data-alarm", "on")

    # The call taker watches the incident page while Dishub acknowledges.
    call_taker.goto(f"{base}/insiden/{incident}/")
    expect(call_taker.locator("#live-status")).to_have_attribute("data-state", "on")
    dishub.locator(
        f".dispatch[data-incident='{incident}'] button.answer-acknowledged"
    ).click()
    expect(call_taker.locator(".timeline")).to_contain_text("Dikonfirmasi oleh Dishub")
    acknowledged = dishub.locator(f".dispatch[data-incident='{incident}']")
    expect(acknowledged).not_to_have_class(re.compile("unacknowledged"))
    expect(acknowledged).not_to_have_attribute("data-alarm-source", "")

    # Polres was never sent it and never shows it.
    police.wait_for_timeout(500)
    expect(police.locator(f".dispatch[data-incident='{incident}']")).to_have_count(0)
    assert incident not in police.content()
