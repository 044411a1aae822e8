"""WhatsApp Cloud API and Telegram webhooks, with payloads shaped as the providers
document them (standards.md §7.1, §7.3), good and forged signatures, retries, fuzz."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import time_machine
from django.test import Client, override_settings
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from siaga.events.models import Event
from siaga.intake.channels.telegram import fix_of, message_of, text_of
from siaga.intake.channels.whatsapp import messages
from siaga.intake.models import Channel, Contact, Delivery, DeliveryStatus, Media
from siaga.ops.worker import process_deliveries

SECRET = "app-secret"
WHATSAPP = override_settings(
    SIAGA_WHATSAPP_APP_SECRET=SECRET, SIAGA_WHATSAPP_VERIFY_TOKEN="siaga-verify"
)
TELEGRAM = override_settings(SIAGA_TELEGRAM_SECRET_TOKEN="tg_Secret-112")


def whatsapp_body(*messages_: dict[str, Any], statuses: list[Any] | None = None) -> str:
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {
            "display_phone_number": "6281100112",
            "phone_number_id": "1065403",
        },
        "contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": "6281234567890"}],
    }
    if messages_:
        value["messages"] = list(messages_)
    if statuses is not None:
        value["statuses"] = statuses
    body = {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": value}]}],
    }
    return json.dumps(body, ensure_ascii=False)


def text_message(
    wamid: str = "wamid.HBgL1", body: str = "Pohon tumbang 🌳"
) -> dict[str, Any]:
    return {
        "from": "6281234567890",
        "id": wamid,
        "timestamp": "1764817200",
        "type": "text",
        "text": {"body": body},
    }


def sign(raw: str, secret: str = SECRET) -> str:
    return (
        "sha256=" + hmac.new(secret.encode(), raw.encode(), hashlib.sha256).hexdigest()
    )


def post_whatsapp(raw: str, signature: str | None = None) -> Any:
    headers = {"X-Hub-Signature-256": sign(raw) if signature is None else signature}
    return Client(headers=headers).post(
        "/hooks/whatsapp", raw, content_type="application/json"
    )


def test_the_signature_test_vector() -> None:
    assert sign("test", "secret") == (
        "sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914"
    )


@WHATSAPP
def test_the_verify_handshake_echoes_the_challenge(db: None) -> None:
    good = Client().get(
        "/hooks/whatsapp",
        {
            "hub.mode": "subscribe",
            "hub.verify_token": "siaga-verify",
            "hub.challenge": "1158201444",
        },
    )
    bad = Client().get(
        "/hooks/whatsapp",
        {
            "hub.mode": "subscribe",
            "hub.verify_token": "nope",
            "hub.challenge": "1158201444",
        },
    )

    assert (good.status_code, good.content) == (200, b"1158201444")
    assert bad.status_code == 403


@WHATSAPP
def test_a_signed_text_message_becomes_a_contact_once(db: None) -> None:
    raw = whatsapp_body(text_message())

    first, retry = post_whatsapp(raw), post_whatsapp(raw)

    assert first.json() == retry.json() == {"accepted": True}
    assert Delivery.objects.count() == 2 and not Contact.objects.exists()
    assert process_deliveries() == 1
    contact = Contact.objects.get()
    assert contact.channel == Channel.WHATSAPP
    assert contact.text == "Pohon tumbang 🌳"
    assert contact.caller is not None and contact.caller.identifier == "+6281234567890"
    assert contact.raw_payload == raw


@WHATSAPP
def test_a_shared_pin_is_a_location_of_unknown_accuracy(db: None) -> None:
    pin = {
        "from": "6281234567890",
        "id": "wamid.PIN",
        "timestamp": "1764817200",
        "type": "location",
        "location": {"latitude": -6.1746, "longitude": 106.6339, "name": "Pasar Anyar"},
    }
    post_whatsapp(whatsapp_body(pin))
    process_deliveries()

    contact = Contact.objects.get()
    assert (contact.lat, contact.lon, contact.location_accuracy_m) == (
        -6.1746,
        106.6339,
        None,
    )
    assert contact.location_source == "whatsapp-pin" and contact.text == "Pasar Anyar"


@WHATSAPP
def test_media_statuses_and_unknown_types(db: None) -> None:
    image = {
        "from": "6281234567890",
        "id": "wamid.IMG",
        "timestamp": "1764817200",
        "type": "image",
        "image": {
            "id": "MEDIA1",
            "mime_type": "image/jpeg",
            "sha256": "x",
            "caption": "ini",
        },
    }
    odd = {"from": "6281234567890", "id": "wamid.ODD", "type": "hologram"}
    statuses = [{"id": "wamid.OUT", "status": "delivered", "recipient_id": "628"}]

    post_whatsapp(whatsapp_body(image, odd))
    post_whatsapp(whatsapp_body(statuses=statuses))
    process_deliveries()

    texts = sorted(Contact.objects.values_list("text", flat=True))
    assert texts == ["[hologram]", "[image] ini"]
    media = Media.objects.get()
    assert (media.kind, media.provider_ref, media.mime_type) == (
        "image",
        "MEDIA1",
        "image/jpeg",
    )
    assert media.status == "waiting" and media.contact.text == "[image] ini"
    assert set(Delivery.objects.values_list("status", flat=True)) == {"processed"}


@WHATSAPP
def test_a_forged_or_unsigned_post_creates_nothing(db: None) -> None:
    raw = whatsapp_body(text_message())

    assert post_whatsapp(raw, signature=sign(raw, "wrong")).status_code == 401
    assert post_whatsapp(raw, signature="").status_code == 401
    assert (
        post_whatsapp(raw.replace("Pohon", "Rumah"), signature=sign(raw)).status_code
        == 401
    )
    assert not Contact.objects.exists() and not Delivery.objects.exists()


def test_without_a_configured_secret_nothing_is_accepted(db: None) -> None:
    raw = whatsapp_body(text_message())
    assert post_whatsapp(raw).status_code == 403
    assert not Delivery.objects.exists()


@WHATSAPP
def test_signed_garbage_is_a_400_and_stores_nothing(db: None) -> None:
    assert post_whatsapp("{not json").status_code == 400
    assert post_whatsapp("[1, 2]").status_code == 400
    assert not Delivery.objects.exists()
    assert post_whatsapp('{"entry": 5}').json() == {"accepted": True}
    assert process_deliveries() == 0
    assert Delivery.objects.get().status == DeliveryStatus.PROCESSED


@WHATSAPP
def test_a_delivery_that_cannot_be_processed_is_kept_and_retried(
    db: None, monkeypatch: Any
) -> None:
    post_whatsapp(whatsapp_body(text_message()))

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr("siaga.intake.channels.common.record_contact", broken)
    process_deliveries()
    process_deliveries()  # backing off: not tried again yet
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.RECEIVED and delivery.attempts == 1
    assert "database hiccup" in delivery.error and not Contact.objects.exists()
    monkeypatch.undo()

    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        assert process_deliveries() == 1
    assert Delivery.objects.get().status == DeliveryStatus.PROCESSED


@WHATSAPP
def test_a_delivery_that_keeps_failing_is_kept_as_failed_and_can_be_requeued(
    db: None, monkeypatch: Any, admin_user: Any
) -> None:
    post_whatsapp(whatsapp_body(text_message()))

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("still broken")

    monkeypatch.setattr("siaga.intake.channels.common.record_contact", broken)
    for hours in range(Delivery.MAX_ATTEMPTS):
        with time_machine.travel(timezone.now() + timedelta(hours=hours * 2)):
            process_deliveries()
    assert Delivery.objects.get().status == DeliveryStatus.FAILED
    monkeypatch.undo()

    client = Client()
    client.force_login(admin_user)
    client.post(
        "/admin/intake/delivery/",
        {
            "action": "process_again",
            "_selected_action": [Delivery.objects.get().pk],
        },
    )
    assert Delivery.objects.get().status == DeliveryStatus.RECEIVED
    assert process_deliveries() == 1


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "entry",
                        "changes",
                        "value",
                        "messages",
                        "contacts",
                        "id",
                        "from",
                        "type",
                        "text",
                        "location",
                        "latitude",
                        "timestamp",
                        "profile",
                        "wa_id",
                        "body",
                    ]
                ),
                inner,
                max_size=5,
            )
        ),
        max_leaves=25,
    )
)
def test_the_whatsapp_parser_never_crashes(payload: Any) -> None:
    for message in messages(payload):
        assert message.provider_id


def update(message: dict[str, Any], key: str = "message", update_id: int = 1) -> str:
    return json.dumps({"update_id": update_id, key: message})


def tg_message(**extra: Any) -> dict[str, Any]:
    return {
        "message_id": 77,
        "from": {
            "id": 5001,
            "is_bot": False,
            "first_name": "Budi",
            "username": "budi112",
        },
        "chat": {"id": 5001, "type": "private"},
        "date": 1764817200,
    } | extra


def post_telegram(raw: str, token: str = "tg_Secret-112") -> Any:
    client = Client(headers={"X-Telegram-Bot-Api-Secret-Token": token})
    return client.post("/hooks/telegram", raw, content_type="application/json")


@TELEGRAM
def test_a_telegram_message_and_its_retry(db: None) -> None:
    raw = update(tg_message(text="Ada tawuran di depan pasar"))

    first, retry = post_telegram(raw), post_telegram(raw)

    assert first.json() == retry.json() == {"accepted": True}
    assert process_deliveries() == 1
    contact = Contact.objects.get()
    assert contact.channel == Channel.TELEGRAM and contact.caller is not None
    assert contact.caller.identifier == "telegram:budi112"
    assert contact.caller.display_name == "Budi" and contact.reply_to == "5001"


@TELEGRAM
def test_a_live_location_moves_with_its_edits(db: None) -> None:
    start = {"latitude": -6.18, "longitude": 106.63, "live_period": 900}
    post_telegram(update(tg_message(location=start)))
    moved = start | {"latitude": -6.19, "horizontal_accuracy": 12}
    post_telegram(update(tg_message(location=moved), key="edited_message", update_id=2))
    process_deliveries()

    contact = Contact.objects.get()
    assert (contact.lat, contact.location_accuracy_m) == (-6.19, 12)
    assert Event.objects.filter(action="contact.location_updated").count() == 1


@TELEGRAM
def test_a_photo_with_a_caption(db: None) -> None:
    post_telegram(
        update(
            tg_message(
                photo=[
                    {"file_id": "small", "width": 90, "file_size": 1200},
                    {"file_id": "AgAD", "width": 1280, "file_size": 90000},
                ],
                caption="asap",
            )
        )
    )
    process_deliveries()

    assert Contact.objects.get().text == "[photo] asap"
    assert Media.objects.get().provider_ref == "AgAD"


@TELEGRAM
def test_a_wrong_secret_token_creates_nothing(db: None) -> None:
    raw = update(tg_message(text="x"))

    assert post_telegram(raw, token="nope").status_code == 401
    assert post_telegram(raw, token="").status_code == 401
    assert not Delivery.objects.exists()


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "message",
                "edited_message",
                "text",
                "location",
                "date",
                "chat",
                "from",
                "photo",
                "caption",
                "latitude",
                "longitude",
                "horizontal_accuracy",
                "live_period",
            ]
        ),
        st.none()
        | st.integers()
        | st.floats()
        | st.text(max_size=10)
        | st.dictionaries(
            st.sampled_from(
                ["latitude", "longitude", "horizontal_accuracy", "text", "id"]
            ),
            st.none() | st.integers() | st.floats() | st.text(max_size=5),
        ),
        max_size=6,
    )
)
def test_the_telegram_parsers_never_crash(update_: dict[str, Any]) -> None:
    message, _ = message_of(update_)
    if message is not None:
        assert isinstance(text_of(message), str)
        fix = fix_of(message)
        assert fix is None or -90 <= fix.lat <= 90


@WHATSAPP
def test_an_oversized_webhook_body_is_a_413_and_stores_nothing(db: None) -> None:
    raw = whatsapp_body(text_message(body="x" * 1_100_000))

    response = post_whatsapp(raw)

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert not Delivery.objects.exists()


@WHATSAPP
def test_hostile_text_is_kept_as_sent(db: None) -> None:
    post_whatsapp(whatsapp_body(text_message(body="<script>alert(1)</script>\u202e")))
    process_deliveries()

    assert Contact.objects.get().text == "<script>alert(1)</script>\u202e"
