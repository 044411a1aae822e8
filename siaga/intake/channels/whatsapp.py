"""WhatsApp Business Cloud API webhook: `GET/POST /hooks/whatsapp` (standards.md §7.1).

Every message in every entry and change becomes a contact (deduplicated on the wamid);
delivery statuses are acknowledged and ignored; a type we do not know is stored raw with
a placeholder text. The POST only verifies and stores the body; the worker parses it
(`process`) and later fetches media (image, audio…) from the Graph API by their ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Router

from siaga.intake.actions import Fix, MediaRef
from siaga.intake.channels.common import (
    Accepted,
    InboundMessage,
    dicts,
    json_object,
    keep_delivery,
    record_messages,
)
from siaga.intake.channels.meta import HANDSHAKE_DOC, check_signature, handshake
from siaga.intake.models import Channel
from siaga.lib.fields import errors, unix_moment

router = Router(tags=["hooks"])


MEDIA_KINDS = frozenset({"image", "audio", "video", "document", "sticker"})


def _text(message: dict[str, Any]) -> str:
    kind = str(message.get("type", ""))
    found = message.get(kind)
    body: dict[str, Any] = found if isinstance(found, dict) else {}
    if kind == "text":
        return str(body.get("body", ""))
    if kind == "location":
        return " ".join(str(body.get(k, "")) for k in ("name", "address")).strip()
    if kind in MEDIA_KINDS:
        caption = str(body.get("caption", ""))
        return f"[{kind}] {caption}".strip()
    if kind == "interactive":
        reply = body.get("button_reply") or body.get("list_reply") or {}
        return str(reply.get("title", "")) if isinstance(reply, dict) else ""
    return f"[{kind or 'tidak dikenal'}]"


def _fix(message: dict[str, Any]) -> Fix | None:
    place = message.get("location")
    if message.get("type") != "location" or not isinstance(place, dict):
        return None
    try:
        lat, lon = float(place["latitude"]), float(place["longitude"])
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat, lon) == (0, 0):
        return None
    return Fix(lat, lon, None, "whatsapp-pin")  # a shared pin: accuracy unknown


def _sent_at(message: dict[str, Any]) -> datetime | None:
    return unix_moment(message.get("timestamp"))  # a string of unix seconds


def _media(message: dict[str, Any]) -> tuple[MediaRef, ...]:
    kind = str(message.get("type", ""))
    body = message.get(kind)
    if kind not in MEDIA_KINDS or not isinstance(body, dict) or not body.get("id"):
        return ()
    return (
        MediaRef(
            kind=kind,
            provider_ref=str(body["id"]),
            mime_type=str(body.get("mime_type", "")),
            sha256=str(body.get("sha256", "")),
            caption=str(body.get("caption", "")),
        ),
    )


def messages(payload: Any) -> Iterator[InboundMessage]:
    """Every message in a webhook body, whatever else it holds; never raises."""
    for entry in dicts(payload, "entry"):
        for change in dicts(entry, "changes"):
            value = change.get("value")
            names = {
                str(c.get("wa_id")): str(c["profile"].get("name", ""))
                for c in dicts(value, "contacts")
                if isinstance(c.get("profile"), dict)
            }
            for message in dicts(value, "messages"):
                if not message.get("id"):
                    continue
                sender = str(message.get("from", ""))
                yield InboundMessage(
                    channel=Channel.WHATSAPP,
                    provider_id=str(message["id"])[:200],
                    sender=sender[:40],
                    reply_to=sender[:40],
                    name=names.get(sender, "")[:120],
                    text=_text(message)[:10_000],
                    sent_at=_sent_at(message),
                    fix=_fix(message),
                    media=_media(message),
                )


@router.get(
    "/whatsapp",
    auth=None,
    summary="WhatsApp verify-token handshake",
    openapi_extra=HANDSHAKE_DOC,
)
def verify(request: HttpRequest) -> HttpResponse:
    return handshake(request, settings.SIAGA_WHATSAPP_VERIFY_TOKEN)


@router.post(
    "/whatsapp",
    auth=None,
    response={200: Accepted, **errors(403, 413)},
    summary="WhatsApp messages and statuses (signed with X-Hub-Signature-256)",
)
def receive(request: HttpRequest) -> dict[str, bool]:
    check_signature(request, settings.SIAGA_WHATSAPP_APP_SECRET)
    return keep_delivery(request, Channel.WHATSAPP)


def process(raw: str) -> int:
    """The worker's half: every message of a stored body becomes a contact."""
    return record_messages(messages(json_object(raw)), raw)
