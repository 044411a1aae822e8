"""The simulated day sent through the public doors, shaped and signed as each sender
sends: the PBX's call events and the SMS gateway with a token, a calling Android phone's
AML fix over HTTPS (HMAC-signed when the centre has a key), WhatsApp signed with the app
secret (X-Hub-Signature-256), Telegram with its secret-token header, the city app with a
token. Nothing goes behind the API's back.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from siaga.lib.aml import AmlFix, parse_aml_https
from siaga.simulator.mix import Report


@dataclass(frozen=True)
class Send:
    """One HTTP request at a moment of the run; `key` is the contact it makes, as
    (channel, provider id), so the run can be checked against the database."""

    at: float
    path: str
    body: bytes
    headers: dict[str, str]
    key: tuple[str, str]


@dataclass(frozen=True)
class Doors:
    """How to reach the centre: its URL, the integration token, the providers' secrets
    (a channel without its secret is left out)."""

    base: str
    token: str
    app_user_id: int
    whatsapp_secret: str = ""
    telegram_secret: str = ""
    aml_key: str = ""
    run: str = field(default_factory=lambda: f"{time.time_ns():x}")


def requests_for(index: int, report: Report, doors: Doors) -> list[Send]:
    """The requests one report becomes; none when its channel is not configured."""
    uid = f"sim-{doors.run}-{index}"
    bearer = {"Authorization": f"Bearer {doors.token}"}
    if report.channel == "call":
        fix = [aml(uid, report, doors.aml_key)] if report.handset else []
        return call_events(uid, report, bearer) + fix
    if report.channel == "sms":
        body = {"from": report.sender, "text": report.text, "id": uid}
        return [json_send(report.at, "/hooks/sms", body, bearer, ("sms", uid))]
    if report.channel == "app":
        return [app_report(uid, report, bearer, doors.app_user_id)]
    if report.channel == "whatsapp" and doors.whatsapp_secret:
        return [whatsapp(uid, report, doors.whatsapp_secret)]
    if report.channel == "telegram" and doors.telegram_secret:
        return [telegram(index, report, doors.telegram_secret)]
    return []


def json_send(
    at: float, path: str, body: object, headers: dict[str, str], key: tuple[str, str]
) -> Send:
    raw = json.dumps(body, ensure_ascii=False).encode()
    return Send(at, path, raw, {"Content-Type": "application/json", **headers}, key)


def call_events(uid: str, report: Report, bearer: dict[str, str]) -> list[Send]:
    """Ringing; answered by an extension after a few seconds; ended after a talk as
    long as the call deserves (a silent or prank call is short)."""
    rng = random.Random(uid)  # noqa: S311 (timing, not a secret)
    answered = report.at + rng.uniform(3, 15)
    short = report.outcome in {"silent", "prank", "wrong_number"}
    ended = answered + (rng.uniform(5, 20) if short else rng.uniform(45, 180))
    base = {"call_id": uid, "caller_id": report.sender}
    return [
        json_send(at, "/hooks/telephony", base | extra, bearer, ("call", uid))
        for at, extra in [
            (report.at, {"event": "ringing"}),
            (answered, {"event": "answered", "extension": "101"}),
            (ended, {"event": "ended"}),
        ]
    ]


def aml(uid: str, report: Report, key: str) -> Send:
    """The fix a calling Android phone posts a few seconds into the call: ETSI TS
    103 625's HTTPS form (Google ELS), with a trailing HMAC-SHA1 when keyed."""
    assert report.handset is not None
    rng = random.Random(uid)  # noqa: S311 (timing, not a secret)
    at = report.at + rng.uniform(4, 20)
    fields = {
        "v": "2",
        "device_number": "+62" + report.sender[1:],
        "location_latitude": f"{report.handset.lat:.6f}",
        "location_longitude": f"{report.handset.lon:.6f}",
        "location_time": str(int((time.time() + at) * 1000)),
        "location_accuracy": f"{rng.uniform(8, 60):.1f}",
        "location_confidence": "0.68",
        "location_source": rng.choice(["GPS", "WiFi", "Cell"]),
        "emergency_number": "112",
        "cell_network_mcc": "510",
        "cell_network_mnc": rng.choice(["10", "11", "01"]),
    }
    body = urlencode(fields)
    if key:
        body += (
            "&hmac=" + hmac.new(key.encode(), body.encode(), hashlib.sha1).hexdigest()
        )
    found = parse_aml_https(body, key)
    assert isinstance(found, AmlFix)
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    key_id = f"https:{found.dedup_key()}"[:200]
    return Send(at, "/hooks/aml", body.encode(), headers, ("aml", key_id))


def app_report(uid: str, report: Report, bearer: dict[str, str], user_id: int) -> Send:
    body: dict[str, object] = {
        "report_id": uid,
        "reporter": {"id": f"warga-{report.sender[-6:]}", "phone": report.sender},
        "text": report.text or "(tanpa teks)",
    }
    if report.category:
        body["category"] = report.category
    if report.place is not None:
        body["location"] = {"lat": report.place.lat, "lon": report.place.lon}
        body["address"] = report.place.name
    key = ("app", f"{user_id}:{uid}")
    return json_send(report.at, "/api/v1/reports", body, bearer, key)


def whatsapp_text(wamid: str, sender: str, text: str, **extra: Any) -> dict[str, Any]:
    """A Cloud API webhook body with one message, shaped as Meta documents it (a text,
    or the message fields given in `extra`)."""
    message = {"from": sender, "id": wamid, "timestamp": str(int(time.time()))}
    message |= extra or {"type": "text", "text": {"body": text}}
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "62811112", "phone_number_id": "1"},
        "contacts": [{"profile": {"name": "Warga"}, "wa_id": sender}],
        "messages": [message],
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}],
    }


def whatsapp(uid: str, report: Report, secret: str) -> Send:
    """One text message, signed as Meta signs (hex HMAC of the bytes)."""
    wamid = f"wamid.{uid}"
    body = whatsapp_text(wamid, "62" + report.sender[1:], report.text or "halo")
    raw = json.dumps(body, ensure_ascii=False).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": signature}
    return Send(report.at, "/hooks/whatsapp", raw, headers, ("whatsapp", wamid))


def telegram(index: int, report: Report, secret: str) -> Send:
    """A Bot API Update with one private message, as Telegram documents it."""
    chat = 700_000_000 + int(report.sender[-7:])
    message_id = 1_000_000 + index
    update = {
        "update_id": 500_000_000 + index,
        "message": {
            "message_id": message_id,
            "date": int(datetime.now(UTC).timestamp()),
            "chat": {"id": chat, "type": "private", "first_name": "Warga"},
            "from": {"id": chat, "is_bot": False, "first_name": "Warga"},
            "text": report.text or "halo",
        },
    }
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
    key = ("telegram", f"{chat}:{message_id}")
    return json_send(report.at, "/hooks/telegram", update, headers, key)


def deliver(base: str, send: Send) -> int:
    """POST one request; its HTTP status (0 when the server could not be reached)."""
    request = urllib.request.Request(  # noqa: S310 (the centre's own URL)
        base + send.path, data=send.body, method="POST", headers=send.headers
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except OSError:
        return 0
