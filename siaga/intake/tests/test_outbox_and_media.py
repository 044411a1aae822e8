"""Replies and tracking links through the outbox, media fetched by the worker: against
a loopback stand-in for the WhatsApp and Telegram APIs (the only thing mocked)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import time_machine
from django.test import override_settings
from django.utils import timezone

from siaga.accounts.models import User
from siaga.events.models import Event
from siaga.incidents.models import Category
from siaga.intake.actions import MediaRef, Triage, record_contact, triage_contact
from siaga.intake.actions.outbox import queue_message
from siaga.intake.models import (
    Channel,
    Classification,
    Contact,
    Media,
    OutboundMessage,
    OutboundPurpose,
    OutboundStatus,
)
from siaga.lib.errors import IllegalTransition
from siaga.ops.worker import fetch_waiting_media, send_outbound_messages
from siaga.testing_providers import FakeProvider


def whatsapp(provider: FakeProvider) -> override_settings:
    return override_settings(
        SIAGA_WHATSAPP_API_URL=provider.url,
        SIAGA_WHATSAPP_PHONE_NUMBER_ID="1065403",
        SIAGA_WHATSAPP_ACCESS_TOKEN="wa-token",
        SIAGA_TELEGRAM_API_URL=provider.url,
        SIAGA_TELEGRAM_BOT_TOKEN="123:abc",
        SIAGA_PUBLIC_URL="https://112.tangerangkota.go.id",
    )


def wa_contact(text: str = "Pohon tumbang di depan Pasar Anyar") -> Contact:
    contact, _ = record_contact(
        channel=Channel.WHATSAPP,
        sender="6281234567890",
        text=text,
        provider_id="wamid.1",
        reply_to="6281234567890",
        actor=None,
    )
    return contact


def test_a_reply_is_sent_as_the_cloud_api_documents(
    room_operator: User, provider: FakeProvider
) -> None:
    provider.answer("/1065403/messages", {"messages": [{"id": "wamid.OUT1"}]})
    with whatsapp(provider):
        message = queue_message(
            wa_contact(),
            text="Petugas segera datang",
            purpose="reply",
            actor=room_operator,
        )
        assert send_outbound_messages() == 1

    message.refresh_from_db()
    assert (message.status, message.provider_id) == (OutboundStatus.SENT, "wamid.OUT1")
    method, path, body, headers = provider.requests[0]
    assert (method, path) == ("POST", "/1065403/messages")
    assert body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "type": "text",
        "text": {"preview_url": False, "body": "Petugas segera datang"},
    }
    assert headers["Authorization"] == "Bearer wa-token"


def test_a_busy_provider_is_retried_with_backoff_then_fails_visibly(
    room_operator: User, provider: FakeProvider
) -> None:
    provider.answer("/1065403/messages", {"messages": [{"id": "wamid.OUT2"}]})
    provider.fail_next = 1
    with whatsapp(provider):
        message = queue_message(wa_contact(), text="Halo", purpose="reply", actor=None)
        assert send_outbound_messages() == 0
        message.refresh_from_db()
        assert message.status == OutboundStatus.QUEUED and "503" in message.last_error
        assert message.next_attempt_at > timezone.now() + timedelta(seconds=20)
        assert send_outbound_messages() == 0  # not due yet
        with time_machine.travel(timezone.now() + timedelta(minutes=1)):
            assert send_outbound_messages() == 1

    provider.fail_next = 100
    with whatsapp(provider):
        doomed = queue_message(wa_contact(), text="Lagi", purpose="reply", actor=None)
        for minutes in range(0, 200, 30):
            with time_machine.travel(timezone.now() + timedelta(minutes=minutes)):
                send_outbound_messages()
    doomed.refresh_from_db()
    assert doomed.status == OutboundStatus.FAILED
    assert doomed.attempts == OutboundMessage.MAX_ATTEMPTS
    assert Event.objects.filter(action="outbound.failed").count() == 1


def test_an_unconfigured_channel_fails_at_once_and_says_why(db: None) -> None:
    message = queue_message(wa_contact(), text="Halo", purpose="reply", actor=None)
    send_outbound_messages()

    message.refresh_from_db()
    assert message.status == OutboundStatus.FAILED and message.attempts == 1
    assert "not configured" in message.last_error


def test_a_web_report_or_a_call_cannot_be_replied_to(db: None) -> None:
    call, _ = record_contact(channel=Channel.CALL, sender="0812", actor=None)
    try:
        queue_message(call, text="Halo", purpose="reply", actor=None)
    except IllegalTransition:
        pass
    else:
        raise AssertionError("a call has no reply channel")
    assert not OutboundMessage.objects.exists()


def test_a_message_that_becomes_an_incident_sends_its_tracking_link(
    room_operator: User, provider: FakeProvider
) -> None:
    provider.answer("/1065403/messages", {"messages": [{"id": "wamid.T"}]})
    contact = wa_contact()
    with whatsapp(provider):
        triage_contact(
            contact,
            Triage(
                classification=Classification.EMERGENCY,
                category=Category.objects.get(code="pohon-tumbang"),
            ),
            actor=room_operator,
        )
        send_outbound_messages()

    contact.refresh_from_db()
    assert len(contact.tracking_code) == 12
    tracking = OutboundMessage.objects.get(purpose=OutboundPurpose.TRACKING)
    assert tracking.status == OutboundStatus.SENT
    assert contact.incident is not None and contact.incident.number in tracking.text
    sent_text = provider.requests[0][2]["text"]["body"]
    assert f"https://112.tangerangkota.go.id/lacak/{contact.tracking_code}" in sent_text


def test_whatsapp_media_is_fetched_through_the_graph_api_and_checked(
    db: None, provider: FakeProvider
) -> None:
    from siaga.intake.tests.test_images import photo_with_gps

    photo = photo_with_gps()
    provider.answer(
        "/MEDIA1",
        {
            "url": f"{provider.url}/download/MEDIA1",
            "mime_type": "image/jpeg",
            "id": "MEDIA1",
        },
    )
    provider.answer("/download/MEDIA1", photo)
    good = MediaRef(
        kind="image", provider_ref="MEDIA1", sha256=hashlib.sha256(photo).hexdigest()
    )
    bad = MediaRef(kind="image", provider_ref="MEDIA1", sha256="0" * 64)
    record_contact(
        channel=Channel.WHATSAPP,
        sender="628",
        provider_id="w1",
        media=[good],
        actor=None,
    )
    record_contact(
        channel=Channel.WHATSAPP,
        sender="628",
        provider_id="w2",
        media=[bad],
        actor=None,
    )
    with whatsapp(provider):
        assert fetch_waiting_media() == 1

    stored = Media.objects.get(sha256=good.sha256)
    assert stored.status == "stored" and stored.mime_type == "image/jpeg"
    kept = bytes(stored.content or b"")  # re-encoded: the camera and GPS are gone
    assert kept.startswith(b"\xff\xd8\xff") and b"KameraKu" not in kept
    assert provider.requests[0][3]["Authorization"] == "Bearer wa-token"
    mismatched = Media.objects.get(sha256=bad.sha256)
    assert mismatched.status == "waiting" and "sha256" in mismatched.error


def test_telegram_photos_are_fetched_with_get_file(
    db: None, provider: FakeProvider
) -> None:
    telegram_photo_waiting(provider, 1, small_png())
    with whatsapp(provider):
        assert fetch_waiting_media() == 1
    assert Media.objects.get().status == "stored"
    assert Media.objects.get().mime_type == "image/jpeg"  # known by its bytes


def telegram_photo_waiting(provider: FakeProvider, n: int, content: bytes) -> None:
    """A Telegram message with a photo the bot API will serve as `content`."""
    path = f"photos/file_{n}.jpg"
    provider.answer("/bot123:abc/getFile", {"ok": True, "result": {"file_path": path}})
    provider.answer(f"/file/bot123:abc/{path}", content)
    record_contact(
        channel=Channel.TELEGRAM,
        sender="budi",
        provider_id=f"5001:{n}",
        media=[MediaRef(kind="image", provider_ref=f"AgA{n}")],
        actor=None,
    )


def small_png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="PNG")
    return out.getvalue()


def test_a_providers_file_that_only_looks_like_an_image_is_not_kept(
    db: None, provider: FakeProvider
) -> None:
    telegram_photo_waiting(provider, 2, b"\x89PNG\r\n\x1a\nrest")
    with whatsapp(provider):
        assert fetch_waiting_media() == 0
    media = Media.objects.get()
    assert (media.status, media.content) == ("failed", None)
    assert media.error  # said why, on the room's list of failed media


def test_a_public_mention_gets_no_tracking_link_in_public(room_operator: User) -> None:
    mention, _ = record_contact(
        channel=Channel.X,
        sender="budi",
        text="@siaga112 pohon tumbang",
        provider_id="tweet:1",
        reply_to="tweet:1",
        actor=None,
    )
    triage_contact(
        mention,
        Triage(
            classification=Classification.EMERGENCY,
            category=Category.objects.get(code="pohon-tumbang"),
        ),
        actor=room_operator,
    )

    mention.refresh_from_db()
    assert mention.tracking_code and not OutboundMessage.objects.exists()
