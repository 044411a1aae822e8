"""Vehicle positions from GPS trackers over MQTT (`siaga avl-mqtt`).

Topic `siaga/units/<call sign>/position` (prefix: `SIAGA_MQTT_TOPIC_PREFIX`), payload
JSON: one fix `{"lat": -6.18, "lon": 106.63, "at": "2026-12-04T10:00:00+07:00",
"accuracy_m": 8, "speed_kmh": 40, "heading": 90}` (`at` may also be unix seconds, or
left out for "now"), or `{"positions": [fix, …]}`. A bad message is dropped with one log
line; nothing a tracker sends stops the subscriber.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone
from pydantic import ValidationError

from siaga.lib.errors import ActionError
from siaga.lib.fields import parse_json, unix_moment
from siaga.units.actions import Fix, record_positions
from siaga.units.api import PositionIn, PositionsIn
from siaga.units.models import Unit

log = logging.getLogger("siaga.avl")


def call_sign_of(topic: str, prefix: str) -> str | None:
    """`siaga/units/DAMKAR-01/position` → `DAMKAR-01`."""
    parts = topic.split("/")
    head = [p for p in prefix.strip("/").split("/") if p]
    if len(parts) != len(head) + 2 or parts[: len(head)] != head:
        return None
    if parts[-1] != "position" or not parts[-2]:
        return None
    return parts[-2][:40]


def fixes_of(payload: bytes) -> list[Fix]:
    """The fixes in a message; ValueError with the reason when it is unusable."""
    try:
        data: Any = parse_json(payload[:1_000_000], "the payload")
    except ActionError as error:
        raise ValueError(error.message) from None
    if isinstance(data, dict) and isinstance(data.get("at"), int | float):
        try:
            moment = unix_moment(int(data["at"]))
        except (OverflowError, ValueError):  # 1e999, NaN
            moment = None
        if moment is None:
            raise ValueError("at is not a sane unix time")
        data = data | {"at": moment.isoformat()}
    try:
        batch = (
            PositionsIn.model_validate(data)
            if isinstance(data, dict) and "positions" in data
            else PositionsIn(positions=[PositionIn.model_validate(data)])
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"{where}: {first['msg']}") from None
    now = timezone.now()
    return [
        Fix(p.lat, p.lon, p.at or now, p.accuracy_m, p.speed_kmh, p.heading)
        for p in batch.positions
    ]


def handle_message(topic: str, payload: bytes, prefix: str) -> int:
    """Record one MQTT message's fixes; returns how many. Never raises."""
    call_sign = call_sign_of(topic, prefix)
    try:
        if call_sign is None:
            raise ValueError("the topic is not <prefix>/<call sign>/position")
        unit = Unit.objects.filter(call_sign=call_sign, is_active=True).first()
        if unit is None:
            raise ValueError(f"no active unit {call_sign!r}")
        return record_positions(unit, fixes_of(payload), source="mqtt")
    except (ValueError, ActionError) as error:
        reason = error.message if isinstance(error, ActionError) else str(error)
        log.warning("AVL message on %r dropped: %s", topic[:200], reason)
    except Exception:  # the database went away, say: log it, keep subscribing
        log.exception("AVL message on %r could not be stored", topic[:200])
    return 0
