"""What every provider webhook does once the request is verified: read the raw body as
JSON, keep it as a Delivery, answer. Parsing into contacts happens in the worker."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Schema

from siaga.intake.actions import Fix, MediaRef, record_contact
from siaga.intake.actions.deliveries import accept_delivery
from siaga.lib.errors import Unreadable
from siaga.lib.fields import parse_json


class Accepted(Schema):
    accepted: bool


def raw_text(request: HttpRequest) -> str:
    """The body as text; bad UTF-8 is replaced and NUL (which PostgreSQL refuses) is
    dropped, so whatever was signed is still kept."""
    return request.body.decode("utf-8", errors="replace").replace("\x00", "")


def json_object(raw: str) -> dict[str, Any]:
    payload = parse_json(raw)
    if not isinstance(payload, dict):
        raise Unreadable("the body is not a JSON object")
    return payload


def keep_delivery(request: HttpRequest, channel: str) -> dict[str, bool]:
    """Store a verified JSON webhook body for the worker; 400 if it is not JSON."""
    raw = raw_text(request)
    json_object(raw)
    accept_delivery(channel=channel, body=raw)
    return {"accepted": True}


def dicts(holder: Any, key: str) -> list[dict[str, Any]]:
    """`holder[key]` when it is a list, keeping only its objects; else nothing."""
    items = holder.get(key) if isinstance(holder, dict) else None
    return (
        [item for item in items if isinstance(item, dict)]
        if isinstance(items, list)
        else []
    )


def as_object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def plain(text: str, limit: int = 10_000) -> str:
    return text.replace("\x00", "")[:limit]


@dataclass(frozen=True)
class InboundMessage:
    """One resident's message as a channel parser found it, ready to record."""

    channel: str
    provider_id: str
    sender: str
    text: str
    sent_at: datetime | None
    name: str = ""
    reply_to: str = ""
    fix: Fix | None = None
    media: tuple[MediaRef, ...] = ()


def record_messages(found: Iterable[InboundMessage], raw: str) -> int:
    """The worker's half of a provider webhook: each message becomes a contact
    (deduplicated on its provider id); returns how many were new."""
    created = 0
    for message in found:
        _, new = record_contact(
            channel=message.channel,
            sender=message.sender,
            display_name=message.name,
            text=plain(message.text),
            provider_id=message.provider_id,
            raw_payload=raw,
            received_at=message.sent_at,
            fix=message.fix,
            reply_to=message.reply_to,
            media=message.media,
            actor=None,
        )
        created += new
    return created
