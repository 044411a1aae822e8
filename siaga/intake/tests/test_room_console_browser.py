"""One door, end to end in real Chromium.

A resident's WhatsApp message and another resident's /lapor report describe the same
fallen tree. The room operator opens the WhatsApp conversation, sees the web report
proposed beside it, and makes both one incident; the web reporter's tracking page moves
from "received" to "forwarded to the agency"."""

from __future__ import annotations

import re

from siaga.testing_browser import require_chromium
from siaga.testing_server import post_signed_whatsapp, whatsapp_text

require_chromium()

from playwright.sync_api import Browser, Geolocation, Page, expect  # noqa: E402

Demo = tuple[str, dict[str, str]]
PASAR_ANYAR: Geolocation = {"latitude": -6.1751, "longitude": 106.6335}


def room_operator(browser: Browser, base: str) -> Page:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/akun/masuk/?next=/konsol/pesan/")
    page.fill("#id_username", "ruangan")
    page.fill("#id_password", "siaga112-demo")
    page.keyboard.press("Enter")
    page.wait_for_url("**/konsol/pesan/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "on")
    return page


def resident_reports_on_the_web(browser: Browser, base: str) -> Page:
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        geolocation=PASAR_ANYAR,
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto(f"{base}/lapor/")
    page.fill("#id_phone", "0813-1111-2222")
    page.select_option("#id_category", "pohon-tumbang")
    page.fill("#id_text", "Pohon besar tumbang depan Pasar Anyar, jalan tertutup")
    page.click("#use-location")
    expect(page.locator("#location-status")).to_contain_text("✓")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r".*/lacak/[0-9A-Z]{12}/$"))
    return page


def test_a_whatsapp_message_and_a_web_report_become_one_incident(
    demo: Demo, browser: Browser
) -> None:
    base, _env = demo
    room = room_operator(browser, base)

    message = whatsapp_text(
        "wamid.E2E1", "6281277778888", "Tolong ada pohon tumbang di depan Pasar Anyar"
    )
    assert post_signed_whatsapp(base, message) == 200
    resident = resident_reports_on_the_web(browser, base)
    expect(resident.locator("#tracking")).to_have_attribute("data-stage", "received")

    # The worker makes the delivery a contact; the inbox shows it without a reload.
    conversation = room.locator(".queue-item", has_text="pohon tumbang di depan")
    expect(conversation).to_be_visible(timeout=15_000)
    conversation.click()
    room.wait_for_selector("#triage-form")
    room.wait_for_load_state("domcontentloaded")  # its scripts, before the test acts

    # Proposed beside it: the web report about the same tree, 0.1 km away.
    proposal = room.locator(".proposals label", has_text="Pohon besar tumbang")
    expect(proposal).to_be_visible()
    proposal.locator("input[name=also]").check()
    expect(room.locator("#id_category")).to_have_value("pohon-tumbang")
    room.check("input[name=classification][value=emergency]")
    expect(room.locator("input[name=agencies][value=DKP]")).to_be_checked()
    room.fill("#id_address", "depan Pasar Anyar")
    room.fill("#id_lat", "-6.1751")
    room.fill("#id_lon", "106.6335")
    room.locator("#triage-form button[type=submit]").click()

    saved = room.locator(".messages")
    expect(saved).to_contain_text("Tersimpan")
    found = re.search(r"TNG-\d{8}-\d{4}", saved.inner_text())
    assert found is not None
    number = found.group(0)

    # One incident carries both sources.
    room.goto(f"{base}/insiden/{number}/")
    contacts = room.locator(".contacts")
    expect(contacts).to_contain_text("WhatsApp")
    expect(contacts).to_contain_text("Web")

    # The web reporter's page shows the stage change, and nothing personal.
    resident.reload()
    expect(resident.locator("#tracking")).to_have_attribute("data-stage", "forwarded")
    expect(resident.locator("#tracking")).to_contain_text(number)
    assert "0813" not in resident.content()
