"""GPS trackers over MQTT: messages through the local Mosquitto move units; bad ones
are dropped with a log line and the subscriber keeps going."""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time

import pytest
from paho.mqtt.enums import CallbackAPIVersion

from siaga.units.management.commands.avl_mqtt import subscriber
from siaga.units.models import Unit, UnitPosition
from siaga.units.mqtt import call_sign_of, fixes_of, handle_message

PREFIX = "siaga-test/units"


def test_the_topic_names_the_unit() -> None:
    assert call_sign_of("siaga/units/DAMKAR-01/position", "siaga/units") == "DAMKAR-01"
    for topic in ("siaga/units/position", "siaga/units/X/speed", "other/X/position"):
        assert call_sign_of(topic, "siaga/units") is None


@pytest.mark.parametrize(
    "payload",
    [
        b"{not json",
        b"9" * 5000,
        b'{"lat": 91, "lon": 106}',
        b'{"lat": -6.1, "lon": 106.6, "at": 99999999999999}',
        b'{"lat": -6.1, "lon": 106.6, "at": 1e999}',
        b'{"positions": []}',
        b"[1, 2]",
    ],
)
def test_a_bad_message_is_dropped_with_a_reason(
    db: None, payload: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises(ValueError):
        fixes_of(payload)
    with caplog.at_level(logging.WARNING, logger="siaga.avl"):
        assert (
            handle_message("siaga/units/DAMKAR-01/position", payload, "siaga/units")
            == 0
        )
    assert "dropped" in caplog.text
    assert not UnitPosition.objects.exists()


def test_a_good_message_moves_the_unit(db: None) -> None:
    payload = json.dumps(
        {"lat": -6.2, "lon": 106.7, "at": int(time.time()), "speed_kmh": 30}
    )

    assert (
        handle_message(
            "siaga/units/AMB-119-01/position", payload.encode(), "siaga/units"
        )
        == 1
    )
    unit = Unit.objects.get(call_sign="AMB-119-01")
    assert (unit.lat, unit.lon) == (-6.2, 106.7)


def broker_up() -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", 1883)) == 0


def test_a_position_published_to_mosquitto_moves_the_unit(
    dataset_restored: None, transactional_db: None
) -> None:
    if not broker_up():
        if os.environ.get("CI") == "true":
            raise AssertionError("Mosquitto is not listening on 127.0.0.1:1883")
        pytest.skip("no MQTT broker on 127.0.0.1:1883 (see README: Mosquitto)")
    import paho.mqtt.client as mqtt

    client = subscriber(PREFIX)
    subscribed = threading.Event()
    client.on_subscribe = lambda *_: subscribed.set()
    client.connect("127.0.0.1", 1883, keepalive=30)
    client.loop_start()
    try:
        assert subscribed.wait(10), "no SUBACK from the broker"
        tracker = mqtt.Client(CallbackAPIVersion.VERSION2)
        tracker.connect("127.0.0.1", 1883)
        tracker.loop_start()
        tracker.publish(
            f"{PREFIX}/DAMKAR-05/position", b"garbage", qos=1
        ).wait_for_publish(5)
        fix = {"lat": -6.1300, "lon": 106.6900, "accuracy_m": 6}
        tracker.publish(
            f"{PREFIX}/DAMKAR-05/position", json.dumps(fix), qos=1
        ).wait_for_publish(5)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            unit = Unit.objects.get(call_sign="DAMKAR-05")
            if unit.lat == -6.13:
                break
            time.sleep(0.1)
        tracker.loop_stop()
        tracker.disconnect()
    finally:
        client.loop_stop()
        client.disconnect()

    assert (unit.lat, unit.lon) == (-6.13, 106.69)
    assert UnitPosition.objects.filter(unit=unit, source="mqtt").count() == 1
