"""Facebook Messenger and Instagram direct messages: `GET/POST /hooks/meta`
(standards.md §7.2).

The same Meta mechanism as WhatsApp: the verify-token handshake and
`X-Hub-Signature-256` over the raw body with the app secret. `object` is `page` for
Messenger and `instagram` for Instagram; messages come in `entry[].messaging[]` (or
`standby[]` under the handover protocol), keyed by `mid`. Senders are page-scoped ids,
never phone numbers. Our own echoes and delivery/read receipts are ignored.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Router

from siaga.intake.actions import Fix, MediaRef
from siaga.intake.channels.common import (
    Accepted,
    InboundMessage,
    as_object,
    dicts,
    json_object,
    keep_delivery,
    record_messages,
)
from siaga.intake.channels.meta import HANDSHAKE_DOC, check_signature, handshake
from siaga.intake.models import Channel
from siaga.lib.fields import errors, unix_moment

router = Router(tags=["hooks"])

CHANNEL_OF_OBJECT = {"page": Channel.MESSENGER, "instagram": Channel.INSTAGRAM}


def _attachments(message: dict[str, Any]) -> list[dict[str, Any]]:
    return dicts(message, "attachments")


def _fix(message: dict[str, Any]) -> Fix | None:
    for attachment in _attachments(message):
        where = as_object(as_object(attachment.get("payload")).get("coordinates"))
        try:
            lat, lon = float(where["lat"]), float(where["long"])
        except (KeyError, TypeError, ValueError, OverflowError):
            continue
        if -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0, 0):
            return Fix(lat, lon, None, "messenger-pin")  # user-supplied, no accuracy
    return None


def _media(message: dict[str, Any]) -> tuple[MediaRef, ...]:
    refs = []
    for attachment in _attachments(message):
        kind = str(attachment.get("type", ""))
        url = as_object(attachment.get("payload")).get("url")
        if kind in {"image", "audio", "video", "file"} and isinstance(url, str):
            refs.append(MediaRef(kind=kind, provider_ref=url))
    return tuple(refs)


def _text(message: dict[str, Any]) -> str:
    if isinstance(message.get("text"), str):
        return str(message["text"])
    kinds = [str(a.get("type", "")) for a in _attachments(message)]
    return " ".join(f"[{kind}]" for kind in kinds) or "[pesan]"


def messages(payload: Any) -> Iterator[InboundMessage]:
    """Every resident's message in a webhook body; never raises."""
    channel = CHANNEL_OF_OBJECT.get(str(as_object(payload).get("object")))
    if channel is None:
        return
    for entry in dicts(payload, "entry"):
        for event in dicts(entry, "messaging") + dicts(entry, "standby"):
            message = as_object(event.get("message"))
            if not message.get("mid") or message.get("is_echo"):
                continue
            timestamp = event.get("timestamp")  # milliseconds
            sender = str(as_object(event.get("sender")).get("id", ""))[:100]
            yield InboundMessage(
                channel=channel,
                provider_id=str(message["mid"])[:200],
                sender=sender,
                reply_to=sender,
                text=_text(message),
                sent_at=unix_moment(timestamp // 1000)
                if isinstance(timestamp, int)
                else None,
                fix=_fix(message),
                media=_media(message),
            )


@router.get(
    "/meta",
    auth=None,
    summary="Messenger / Instagram verify-token handshake",
    openapi_extra=HANDSHAKE_DOC,
)
def verify(request: HttpRequest) -> HttpResponse:
    return handshake(request, settings.SIAGA_META_VERIFY_TOKEN)


@router.post(
    "/meta",
    auth=None,
    response={200: Accepted, **errors(403, 413)},
    summary="Messenger and Instagram messages (signed with X-Hub-Signature-256)",
)
def receive(request: HttpRequest) -> dict[str, bool]:
    check_signature(request, settings.SIAGA_META_APP_SECRET)
    kind = json_object(request.body.decode("utf-8", errors="replace")).get("object")
    return keep_delivery(request, CHANNEL_OF_OBJECT.get(str(kind), Channel.MESSENGER))


def process(raw: str) -> int:
    """The worker's half: each message becomes a contact (deduplicated on `mid`)."""
    return record_messages(messages(json_object(raw)), raw)
