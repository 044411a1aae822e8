"""X (Twitter) Account Activity webhooks: `GET/POST /hooks/x` (standards.md §7.4).

GET is the CRC check: `crc_token` answered with
`sha256=<base64 HMAC-SHA256(consumer secret, token)>`. Every POST carries
`x-twitter-webhooks-signature` with the same construction over the raw body (base64,
unlike Meta's hex). Direct messages (`direct_message_events`) and public mentions
(`tweet_create_events`) become contacts keyed by their event or tweet id; anything the
city's own account sent, and every other event kind, is kept raw but makes no contact.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router, Schema

from siaga.intake.actions import Fix
from siaga.intake.channels.common import (
    Accepted,
    InboundMessage,
    as_object,
    dicts,
    json_object,
    keep_delivery,
    record_messages,
)
from siaga.intake.models import Channel
from siaga.lib.errors import Forbidden, Unauthorized
from siaga.lib.fields import errors, unix_moment

router = Router(tags=["hooks"])


class CrcOut(Schema):
    response_token: str


def signature(secret: str, message: bytes) -> str:
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return "sha256=" + base64.b64encode(digest).decode()


def _secret() -> str:
    secret: str = settings.SIAGA_X_CONSUMER_SECRET
    if not secret:
        raise Forbidden("this channel has no consumer secret configured")
    return secret


def _direct_messages(payload: dict[str, Any], own_id: str) -> Iterator[InboundMessage]:
    users = as_object(payload.get("users"))
    for event in dicts(payload, "direct_message_events"):
        create = as_object(event.get("message_create"))
        sender = str(create.get("sender_id", ""))
        if event.get("type") != "message_create" or not event.get("id"):
            continue
        if sender == own_id:
            continue
        user = as_object(users.get(sender))
        millis = str(event.get("created_timestamp", ""))
        yield InboundMessage(
            channel=Channel.X,
            provider_id=f"dm:{event['id']}"[:200],
            sender=str(user.get("screen_name") or sender)[:100],
            name=str(user.get("name", ""))[:120],
            reply_to=sender[:120],
            text=str(as_object(create.get("message_data")).get("text", "")),
            sent_at=unix_moment(millis[:-3]) if millis.isdigit() else None,
            fix=None,
        )


def _tweet_text(tweet: dict[str, Any]) -> str:
    extended = as_object(tweet.get("extended_tweet")).get("full_text")
    for text in (extended, tweet.get("full_text"), tweet.get("text")):
        if isinstance(text, str):
            return text
    return "[tweet]"


def _tweet_fix(tweet: dict[str, Any]) -> Fix | None:
    point = as_object(tweet.get("coordinates")).get("coordinates")
    if not isinstance(point, list):
        return None
    try:
        lon, lat = float(point[0]), float(point[1])  # GeoJSON order
    except (TypeError, ValueError, IndexError, KeyError, OverflowError):
        return None
    if -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0, 0):
        return Fix(lat, lon, None, "x-geotag")
    return None


def _tweet_time(tweet: dict[str, Any]) -> datetime | None:
    try:
        moment = parsedate_to_datetime(str(tweet.get("created_at", "")))
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # In UTC: PostgreSQL refuses offsets beyond ±15:59, an email date allows ±99:59.
    moment = moment.astimezone(UTC)
    return moment if 2000 <= moment.year <= 2100 else None


def _mentions(payload: dict[str, Any], own_id: str) -> Iterator[InboundMessage]:
    for tweet in dicts(payload, "tweet_create_events"):
        user = as_object(tweet.get("user"))
        author = str(user.get("id_str", ""))
        if not tweet.get("id_str") or author == own_id:
            continue
        yield InboundMessage(
            channel=Channel.X,
            provider_id=f"tweet:{tweet['id_str']}"[:200],
            sender=str(user.get("screen_name") or author)[:100],
            name=str(user.get("name", ""))[:120],
            reply_to=f"tweet:{tweet['id_str']}"[:120],
            text=_tweet_text(tweet),
            sent_at=_tweet_time(tweet),
            fix=_tweet_fix(tweet),
        )


def messages(payload: Any) -> Iterator[InboundMessage]:
    """Residents' direct messages and mentions in a webhook body; never raises."""
    body = as_object(payload)
    own_id = str(body.get("for_user_id", ""))
    yield from _direct_messages(body, own_id)
    yield from _mentions(body, own_id)


@router.get(
    "/x",
    auth=None,
    response={200: CrcOut, **errors(403)},
    summary="X challenge-response check (CRC)",
)
def crc(request: HttpRequest) -> dict[str, str]:
    secret = _secret()
    token = request.GET.get("crc_token", "")
    if not token:
        raise Unauthorized("crc_token is missing")
    return {"response_token": signature(secret, token.encode())}


@router.post(
    "/x",
    auth=None,
    response={200: Accepted, **errors(403, 413)},
    summary="X direct messages and mentions (x-twitter-webhooks-signature)",
)
def receive(request: HttpRequest) -> dict[str, bool]:
    expected = signature(_secret(), request.body)
    given = request.headers.get("x-twitter-webhooks-signature", "")
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Unauthorized("x-twitter-webhooks-signature is missing or wrong")
    return keep_delivery(request, Channel.X)


def process(raw: str) -> int:
    """The worker's half: each DM or mention becomes a contact (by event id)."""
    return record_messages(messages(json_object(raw)), raw)
