"""Telegram bot webhook `POST /hooks/telegram` (standards.md §7.3).

Telegram does not sign payloads; the `X-Telegram-Bot-Api-Secret-Token` header set with
setWebhook is compared in constant time. The POST stores the Update; the worker makes
each message a contact keyed by chat and message id (a retried update changes nothing);
a live location arrives as edits of the same message and moves that contact's fix.
"""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router

from siaga.intake.actions import Fix, MediaRef, move_contact_fix, record_contact
from siaga.intake.channels.common import (
    Accepted,
    as_object,
    json_object,
    keep_delivery,
    plain,
)
from siaga.intake.models import Channel, Contact
from siaga.lib.errors import Forbidden, Unauthorized
from siaga.lib.fields import errors, unix_moment

router = Router(tags=["hooks"])


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


def _file_size(photo: dict[str, Any]) -> int:
    size = photo.get("file_size")
    return size if isinstance(size, int) else 0


def media_of(message: dict[str, Any]) -> tuple[MediaRef, ...]:
    """The largest size of a photo, or a voice note, by its file_id (fetched later)."""
    sizes = message.get("photo")
    photos = (
        [p for p in sizes if isinstance(p, dict)] if isinstance(sizes, list) else []
    )
    if photos:
        largest = max(photos, key=_file_size)
        return (MediaRef(kind="image", provider_ref=str(largest.get("file_id", ""))),)
    voice = message.get("voice")
    if isinstance(voice, dict) and voice.get("file_id"):
        mime = str(voice.get("mime_type", "audio/ogg"))
        return (
            MediaRef(kind="audio", provider_ref=str(voice["file_id"]), mime_type=mime),
        )
    return ()


@router.post(
    "/telegram",
    auth=None,
    response={200: Accepted, **errors(403, 413)},
    summary="A Telegram bot Update (message, photo, location, live-location edits)",
)
def receive(request: HttpRequest) -> dict[str, bool]:
    check_secret(request)
    return keep_delivery(request, Channel.TELEGRAM)


def process(raw: str) -> int:
    """The worker's half: the Update's message becomes a contact, or moves one."""
    message, edited = message_of(json_object(raw))
    if message is None:  # callback queries, channel posts…: kept, not contacts
        return 0
    chat = as_object(message.get("chat"))
    sender = as_object(message.get("from"))
    key = f"{chat.get('id', '')}:{message.get('message_id', '')}"[:200]
    fix = fix_of(message)
    if edited:
        existing = Contact.objects.filter(
            channel=Channel.TELEGRAM, provider_id=key
        ).first()
        if existing is not None:
            if fix is not None:
                move_contact_fix(existing, fix, actor=None)
            return 0
    name = " ".join(str(sender.get(k, "")) for k in ("first_name", "last_name")).strip()
    handle = sender.get("username") or sender.get("id") or chat.get("id", "")
    _, created = record_contact(
        channel=Channel.TELEGRAM,
        sender=str(handle)[:100],
        display_name=name[:120],
        text=plain(text_of(message)),
        provider_id=key,
        raw_payload=raw,
        received_at=sent_at(message),
        fix=fix,
        reply_to=str(chat.get("id", ""))[:120],
        media=media_of(message),
        actor=None,
    )
    return int(created)
