"""The worker's side of the outside world: send queued messages to residents, fetch the
media residents sent. One function per provider, each shaped as its API documents:

- WhatsApp Cloud API: POST {api}/{phone-number-id}/messages; media by GET {api}/{id}
  (its `url`), then GET that url, both with the bearer token; sha256 checked.
- Telegram Bot API: POST {api}/bot{token}/sendMessage; media by getFile, then
  {api}/file/bot{token}/{file_path}.
- Messenger / Instagram Send API: POST {api}/me/messages (messaging_type RESPONSE);
  attachments are plain URLs.
- X API v2: POST {api}/dm_conversations/with/{id}/messages, or a reply tweet.
- SMS gateway: POST {SIAGA_SMS_SEND_URL} {"to", "text"}.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone

from siaga.intake.actions.deliveries import record_media_result
from siaga.intake.actions.outbox import record_send_result
from siaga.intake.images import clean_media
from siaga.intake.models import Channel, Media, MediaStatus, OutboundMessage
from siaga.lib.errors import InvalidInput
from siaga.lib.http import ProviderError, get_bytes, get_json, post_json
from siaga.lib.leases import claim


def _need(value: str, name: str) -> str:
    if not value:
        raise ProviderError(f"{name} is not configured", permanent=True)
    return value


def _bearer(token: str, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {_need(token, name)}"}


def _post(
    url: str, body: dict[str, object], headers: dict[str, str]
) -> dict[str, object]:
    return post_json(
        url, body, headers=headers, timeout=settings.SIAGA_PROVIDER_TIMEOUT
    )


def send_whatsapp(message: OutboundMessage) -> str:
    number_id = _need(settings.SIAGA_WHATSAPP_PHONE_NUMBER_ID, "WhatsApp phone id")
    answer = _post(
        f"{settings.SIAGA_WHATSAPP_API_URL}/{number_id}/messages",
        {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.recipient,
            "type": "text",
            "text": {"preview_url": False, "body": message.text},
        },
        _bearer(settings.SIAGA_WHATSAPP_ACCESS_TOKEN, "WhatsApp access token"),
    )
    sent = answer.get("messages")
    return str(sent[0].get("id", "")) if isinstance(sent, list) and sent else ""


def send_telegram(message: OutboundMessage) -> str:
    token = _need(settings.SIAGA_TELEGRAM_BOT_TOKEN, "Telegram bot token")
    answer = _post(
        f"{settings.SIAGA_TELEGRAM_API_URL}/bot{token}/sendMessage",
        {"chat_id": message.recipient, "text": message.text},
        {},
    )
    result = answer.get("result")
    return str(result.get("message_id", "")) if isinstance(result, dict) else ""


def send_meta(message: OutboundMessage) -> str:
    answer = _post(
        f"{settings.SIAGA_META_API_URL}/me/messages",
        {
            "recipient": {"id": message.recipient},
            "messaging_type": "RESPONSE",
            "message": {"text": message.text},
        },
        _bearer(settings.SIAGA_META_PAGE_TOKEN, "Meta page token"),
    )
    return str(answer.get("message_id", ""))


def send_x(message: OutboundMessage) -> str:
    headers = _bearer(settings.SIAGA_X_ACCESS_TOKEN, "X access token")
    if message.recipient.startswith("tweet:"):
        reply = {"in_reply_to_tweet_id": message.recipient.removeprefix("tweet:")}
        answer = _post(
            f"{settings.SIAGA_X_API_URL}/tweets",
            {"text": message.text, "reply": reply},
            headers,
        )
    else:
        answer = _post(
            f"{settings.SIAGA_X_API_URL}/dm_conversations/with/"
            f"{quote(message.recipient)}/messages",
            {"text": message.text},
            headers,
        )
    data = answer.get("data")
    if not isinstance(data, dict):
        return ""
    return str(data.get("dm_event_id") or data.get("id") or "")


def send_sms(message: OutboundMessage) -> str:
    answer = _post(
        _need(settings.SIAGA_SMS_SEND_URL, "SMS send URL"),
        {"to": message.recipient, "text": message.text},
        _bearer(settings.SIAGA_SMS_SEND_TOKEN, "SMS send token"),
    )
    return str(answer.get("id", ""))


SENDERS: dict[str, Callable[[OutboundMessage], str]] = {
    Channel.WHATSAPP: send_whatsapp,
    Channel.TELEGRAM: send_telegram,
    Channel.MESSENGER: send_meta,
    Channel.INSTAGRAM: send_meta,
    Channel.X: send_x,
    Channel.SMS: send_sms,
}


def send_outbound(message: OutboundMessage) -> bool:
    """Try one queued message once; the action records the outcome. True if sent."""
    if not claim(message, "next_attempt_at"):
        return False
    sender = SENDERS.get(message.channel)
    try:
        if sender is None:
            raise ProviderError(f"cannot send on {message.channel}", permanent=True)
        provider_id = sender(message)
    except ProviderError as error:
        record_send_result(message, error=str(error), permanent=error.permanent)
        return False
    record_send_result(message, provider_id=provider_id)
    return True


def fetch_whatsapp(media: Media) -> tuple[bytes, str]:
    headers = _bearer(settings.SIAGA_WHATSAPP_ACCESS_TOKEN, "WhatsApp access token")
    timeout = settings.SIAGA_PROVIDER_TIMEOUT
    meta = get_json(
        f"{settings.SIAGA_WHATSAPP_API_URL}/{quote(media.provider_ref)}",
        headers=headers,
        timeout=timeout,
    )
    url = meta.get("url")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        raise ProviderError("the Graph API gave no media url", permanent=True)
    content = get_bytes(
        url, headers=headers, timeout=timeout, limit=settings.SIAGA_MAX_MEDIA_BYTES
    )
    if media.sha256 and hashlib.sha256(content).hexdigest() != media.sha256.lower():
        raise ProviderError("the media does not match its sha256")
    return content, str(meta.get("mime_type", ""))


def fetch_telegram(media: Media) -> tuple[bytes, str]:
    token = _need(settings.SIAGA_TELEGRAM_BOT_TOKEN, "Telegram bot token")
    api, timeout = settings.SIAGA_TELEGRAM_API_URL, settings.SIAGA_PROVIDER_TIMEOUT
    found = get_json(
        f"{api}/bot{token}/getFile?file_id={quote(media.provider_ref)}",
        headers={},
        timeout=timeout,
    )
    result = found.get("result")
    path = result.get("file_path") if isinstance(result, dict) else None
    if not isinstance(path, str):
        raise ProviderError("getFile gave no file_path", permanent=True)
    content = get_bytes(
        f"{api}/file/bot{token}/{quote(path)}",
        headers={},
        timeout=timeout,
        limit=settings.SIAGA_MAX_MEDIA_BYTES,
    )
    return content, media.mime_type


def fetch_url(media: Media) -> tuple[bytes, str]:
    if not media.provider_ref.startswith("https://"):
        raise ProviderError("only https attachment URLs are fetched", permanent=True)
    content = get_bytes(
        media.provider_ref,
        headers={},
        timeout=settings.SIAGA_PROVIDER_TIMEOUT,
        limit=settings.SIAGA_MAX_MEDIA_BYTES,
    )
    return content, media.mime_type


FETCHERS: dict[str, Callable[[Media], tuple[bytes, str]]] = {
    Channel.WHATSAPP: fetch_whatsapp,
    Channel.TELEGRAM: fetch_telegram,
    Channel.MESSENGER: fetch_url,
    Channel.INSTAGRAM: fetch_url,
}


def fetch_media(media: Media) -> bool:
    """Try to download one waiting media item once. True if stored."""
    if not claim(media, "next_attempt_at"):
        return False
    fetcher = FETCHERS.get(media.contact.channel)
    try:
        if fetcher is None or not media.provider_ref:
            raise ProviderError("nothing to fetch", permanent=True)
        content, mime_type = clean_media(*fetcher(media))
    except ProviderError as error:
        record_media_result(media, error=str(error), permanent=error.permanent)
        return False
    except InvalidInput as error:  # an image that does not decode: never shown
        record_media_result(media, error=str(error), permanent=True)
        return False
    record_media_result(media, content=content, mime_type=mime_type)
    return True


def media_due() -> list[Media]:
    return list(
        Media.objects.filter(
            status=MediaStatus.WAITING, next_attempt_at__lte=timezone.now()
        )
        .select_related("contact")
        .order_by("next_attempt_at")[:50]
    )
