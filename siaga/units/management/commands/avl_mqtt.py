"""`siaga avl-mqtt`: subscribe to the GPS trackers' MQTT broker.

1. Connect to SIAGA_MQTT_HOST:SIAGA_MQTT_PORT (user and password if set).
2. Subscribe to `<SIAGA_MQTT_TOPIC_PREFIX>/+/position` with QoS 1.
3. Each message: parse, record the unit's fixes (siaga.units.mqtt); a bad one is
   logged and dropped. paho reconnects by itself when the broker goes away.
"""

from __future__ import annotations

import signal
from typing import Any

import paho.mqtt.client as mqtt
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from paho.mqtt.enums import CallbackAPIVersion

from siaga.units.mqtt import handle_message


def subscriber(prefix: str) -> mqtt.Client:
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="siaga-avl")
    if settings.SIAGA_MQTT_USERNAME:
        client.username_pw_set(
            settings.SIAGA_MQTT_USERNAME, settings.SIAGA_MQTT_PASSWORD
        )
    topic = f"{prefix.rstrip('/')}/+/position"

    def on_connect(client: mqtt.Client, *_: Any) -> None:
        client.subscribe(topic, qos=1)

    def on_message(_client: mqtt.Client, _userdata: Any, message: Any) -> None:
        close_old_connections()  # a failover may have moved the primary
        handle_message(message.topic, message.payload, prefix)

    client.on_connect = on_connect
    client.on_message = on_message
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    return client


class Command(BaseCommand):
    help = "Subscribe to GPS trackers over MQTT and record unit positions."

    def handle(self, *args: Any, **options: Any) -> None:
        client = subscriber(settings.SIAGA_MQTT_TOPIC_PREFIX)
        signal.signal(signal.SIGTERM, lambda *_: client.disconnect())
        client.connect(settings.SIAGA_MQTT_HOST, settings.SIAGA_MQTT_PORT, keepalive=30)
        self.stdout.write(
            f"subscribed to {settings.SIAGA_MQTT_TOPIC_PREFIX}/+/position at "
            f"{settings.SIAGA_MQTT_HOST}:{settings.SIAGA_MQTT_PORT}"
        )
        client.loop_forever(retry_first_connection=True)
