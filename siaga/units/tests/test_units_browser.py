"""A tracker's MQTT position, published to the local Mosquitto, moves the unit's marker
on an agency console open in a real browser, without a reload."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from siaga.testing_browser import require_chromium, wait_until
from siaga.testing_server import ROOT
from siaga.units.tests.test_mqtt import broker_up

require_chromium()

from playwright.sync_api import Browser, Page  # noqa: E402

Demo = tuple[str, dict[str, str]]
PREFIX = f"siaga-browser-{os.getpid()}/units"
MARKER = "document.querySelector('[data-map][data-units]')._siagaUnits"


@pytest.fixture
def avl(demo: Demo) -> Iterator[None]:
    """`siaga avl-mqtt` beside the demo server, as a city would run it."""
    if not broker_up():
        if os.environ.get("CI") == "true":
            raise AssertionError("Mosquitto is not listening on 127.0.0.1:1883")
        pytest.skip("no MQTT broker on 127.0.0.1:1883 (see README: Mosquitto)")
    _, env = demo
    process = subprocess.Popen(  # noqa: S603 (our own command)
        [sys.executable, "-m", "siaga.cli", "avl-mqtt"],
        cwd=ROOT,
        env=env | {"SIAGA_MQTT_TOPIC_PREFIX": PREFIX},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield
    process.terminate()
    process.wait(10)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/akun/masuk/")
    page.fill("#id_username", username)
    page.fill("#id_password", "siaga112-demo")
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_load_state()


def test_an_mqtt_position_moves_the_unit_on_the_agency_console(
    demo: Demo, avl: None, page: Page
) -> None:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    base, _ = demo
    sign_in(page, base, "damkar")
    page.goto(f"{base}/opd/")
    wait_until(page, f"{MARKER} && {MARKER}['DAMKAR-01']")
    wait_until(page, "document.getElementById('live-status').dataset.state === 'on'")
    start = page.evaluate(f"{MARKER}['DAMKAR-01'].getLatLng()")
    page.evaluate("window.notReloaded = true")

    tracker = mqtt.Client(CallbackAPIVersion.VERSION2)
    tracker.connect("127.0.0.1", 1883)
    tracker.loop_start()
    fix = json.dumps({"lat": -6.1500, "lon": 106.6500, "accuracy_m": 5})
    moved = False
    try:
        deadline = time.monotonic() + 30
        while not moved and time.monotonic() < deadline:
            # A tracker publishes every few seconds; the subscriber may still be
            # connecting when the first one goes out.
            tracker.publish(f"{PREFIX}/DAMKAR-01/position", fix, qos=1)
            moved = page.evaluate(
                f"Math.abs({MARKER}['DAMKAR-01'].getLatLng().lat + 6.15) < 1e-9"
            )
            if not moved:
                page.wait_for_timeout(1000)
    finally:
        tracker.loop_stop()
        tracker.disconnect()

    assert moved, "the marker did not move"
    end = page.evaluate(f"{MARKER}['DAMKAR-01'].getLatLng()")
    assert end["lng"] == pytest.approx(106.65) and start["lat"] != end["lat"]
    assert page.evaluate("window.notReloaded") is True  # moved live, no reload
    marker = page.locator(".unit-marker", has_text="DAMKAR-01")
    assert "stale" not in (marker.get_attribute("class") or "")
    # Another agency's unit is not on this agency's map.
    assert page.evaluate(f"{MARKER}['AMB-119-01'] === undefined")


def test_a_crew_on_a_slow_phone_shares_its_position_and_taps_big_buttons(
    demo: Demo, browser: Browser
) -> None:
    from siaga.testing_server import call_api, siaga

    base, env = demo
    phone = browser.new_context(
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": -6.1912, "longitude": 106.6421, "accuracy": 15},
        permissions=["geolocation"],
    )
    page = phone.new_page()
    # A congested 3G link: 400 ms round trips, ~400 kbit/s down, ~200 kbit/s up.
    cdp = phone.new_cdp_session(page)
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 400,
            "downloadThroughput": 50_000,
            "uploadThroughput": 25_000,
        },
    )
    try:
        sign_in(page, base, "kru-damkar")
        page.get_by_role("button", name="DAMKAR-02").click()
        page.wait_for_url(f"{base}/unit/")
        assert page.get_by_text("Belum ada penugasan").is_visible()

        page.get_by_role("button", name="Bagikan posisi").click()
        wait_until(
            page,
            "document.getElementById('share-state').textContent.includes('terkirim')",
            timeout=30,
        )
        token = siaga(env, "create-token", "--user", "telepon").strip()
        units = {
            u["call_sign"]: u for u in call_api(base, token, "GET", "/api/v1/units")
        }
        assert (units["DAMKAR-02"]["lat"], units["DAMKAR-02"]["lon"]) == (
            -6.1912,
            106.6421,
        )

        button = page.get_by_role("button", name="Tidak beroperasi")
        box = button.bounding_box()
        assert box is not None and box["height"] >= 40 and box["width"] >= 300
        with page.expect_navigation(timeout=30_000):
            button.tap()
        units = {
            u["call_sign"]: u for u in call_api(base, token, "GET", "/api/v1/units")
        }
        assert units["DAMKAR-02"]["status"] == "out_of_service"
        assert page.get_by_role("button", name="Selesai · siaga lagi").is_visible()
    finally:
        phone.close()
