"""Telegram bot webhook `POST /hooks/telegram` (standards.md §7.3).

Telegram does not sign payloads; the `X-Telegram-Bot-Api-Secret-Token` header set with
setWebhook is compared in constant time. Each message becomes a contact keyed by chat
and message id (a retried update changes nothing); a live location arrives as edits of
the same message and moves that contact's fix.
"""

from __future__ import annotations

import hmac
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema

from siaga.intake.actions import Fix, move_contact_fix, record_contact
from siaga.intake.models import Channel, Contact
from siaga.lib.errors import Forbidden, Unauthorized, Unreadable
from siaga.lib.fields import errors, unix_moment

router = Router(tags=["hooks"])


class Received(Schema):
    contact: str | None
    duplicate: bool


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def check_secret(request: HttpRequest) -> None:
    expected = settings.SIAGA_TELEGRAM_SECRET_TOKEN
    if not expected:
        raise Forbidden("this bot has no secret token configured")
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized("X-Telegram-Bot-Api-Secret-Token is missing or wrong")


def message_of(update: Any) -> tuple[dict[str, Any] | None, bool]:
    """(the message, whether it is an edit) of an Update; None for other kinds."""
    if not isinstance(update, dict):
        return None, False
    for key, edited in (("message", False), ("edited_message", True)):
        if isinstance(update.get(key), dict):
            return update[key], edited
    return None, False


def fix_of(message: dict[str, Any]) -> Fix | None:
    place = message.get("location")
    if not isinstance(place, dict):
        return None
    try:
        lat, lon = float(place["latitude"]), float(place["longitude"])
        accuracy = place.get("horizontal_accuracy")
        metres = round(float(accuracy)) if accuracy is not None else None
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat, lon) == (0, 0):
        return None
    if metres is not None and not 0 <= metres <= 1_000_000:
        metres = None
    return Fix(
        lat, lon, metres, "telegram-live" if place.get("live_period") else "telegram"
    )


def text_of(message: dict[str, Any]) -> str:
    if isinstance(message.get("text"), str):
        return str(message["text"])
    caption = (
        str(message.get("caption", ""))
        if isinstance(message.get("caption"), str)
        else ""
    )
    for kind in ("photo", "voice", "video", "document"):
        if message.get(kind):
            return f"[{kind}] {caption}".strip()
    return caption or ("[lokasi]" if message.get("location") else "[pesan]")


def sent_at(message: dict[str, Any]) -> datetime | None:
    return unix_moment(message.get("date"))


@router.post(
    "/telegram",
    auth=None,
    response={200: Received, **errors(401, 403, 413)},
    summary="A Telegram bot Update (message, photo, location, live-location edits)",
)
def receive(request: HttpRequest) -> dict[str, Any]:
    check_secret(request)
    raw = request.body.decode("utf-8", errors="replace").replace("\x00", "")
    try:
        update = json.loads(raw)
    except json.JSONDecodeError:
        raise Unreadable("the body is not JSON") from None
    message, edited = message_of(update)
    if message is None:  # callback queries, channel posts…: acknowledged, not stored
        return {"contact": None, "duplicate": False}
    chat = _object(message.get("chat"))
    sender = _object(message.get("from"))
    key = f"{chat.get('id', '')}:{message.get('message_id', '')}"[:200]
    fix = fix_of(message)
    if edited:
        existing = Contact.objects.filter(
            channel=Channel.TELEGRAM, provider_id=key
        ).first()
        if existing is not None and fix is not None:
            move_contact_fix(existing, fix, actor=None)
            return {"contact": str(existing.public_id), "duplicate": False}
    name = " ".join(str(sender.get(k, "")) for k in ("first_name", "last_name")).strip()
    contact, created = record_contact(
        channel=Channel.TELEGRAM,
        sender=str(sender.get("username") or sender.get("id") or chat.get("id", ""))[
            :100
        ],
        display_name=name[:120],
        text=text_of(message).replace("\x00", "")[:10_000],
        provider_id=key,
        raw_payload=raw,
        received_at=sent_at(message),
        fix=fix,
        actor=None,
    )
    return {"contact": str(contact.public_id), "duplicate": not created}
