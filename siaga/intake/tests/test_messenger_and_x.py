"""Messenger / Instagram and X webhooks, with payloads shaped as Meta and X document
them (standards.md §7.2, §7.4): handshakes, signatures, retries, echoes, fuzz."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.test import Client, override_settings
from hypothesis import given
from hypothesis import strategies as st

from siaga.intake.channels import messenger, x
from siaga.intake.models import Channel, Contact, Delivery, Media
from siaga.ops.worker import process_deliveries

META = override_settings(
    SIAGA_META_APP_SECRET="meta-secret", SIAGA_META_VERIFY_TOKEN="v"
)
X_SECRET = "z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu"
X = override_settings(SIAGA_X_CONSUMER_SECRET=X_SECRET)


def meta_body(kind: str = "page", **message: Any) -> str:
    event = {
        "sender": {"id": "24920011223344"},
        "recipient": {"id": "1122334455"},
        "timestamp": 1764817200123,
        "message": {"mid": "m_AbC123", "text": "Ada pohon tumbang di Jl. Daan Mogot"}
        | message,
    }
    body = {
        "object": kind,
        "entry": [{"id": "1122334455", "time": 1764817200456, "messaging": [event]}],
    }
    return json.dumps(body, ensure_ascii=False)


def post_meta(raw: str, secret: str = "meta-secret") -> Any:
    digest = hmac.new(secret.encode(), raw.encode(), hashlib.sha256).hexdigest()
    client = Client(headers={"X-Hub-Signature-256": f"sha256={digest}"})
    return client.post("/hooks/meta", raw, content_type="application/json")


@META
def test_a_messenger_message_becomes_a_contact_once(db: None) -> None:
    raw = meta_body()

    assert post_meta(raw).json() == post_meta(raw).json() == {"accepted": True}
    assert process_deliveries() == 1

    contact = Contact.objects.get()
    assert contact.channel == Channel.MESSENGER and contact.provider_id == "m_AbC123"
    assert contact.reply_to == "24920011223344"
    assert contact.caller is not None
    assert contact.caller.identifier == "messenger:24920011223344"
    assert contact.received_at.year == 2025


@META
def test_instagram_uses_the_same_hook_with_its_own_channel(db: None) -> None:
    image = {"type": "image", "payload": {"url": "https://lookaside.example/1.jpg"}}
    post_meta(meta_body("instagram", text=None, attachments=[image]))
    process_deliveries()

    contact = Contact.objects.get()
    assert contact.channel == Channel.INSTAGRAM and contact.text == "[image]"
    assert Media.objects.get().provider_ref == "https://lookaside.example/1.jpg"


@META
def test_echoes_and_receipts_make_no_contact(db: None) -> None:
    post_meta(meta_body(is_echo=True))
    post_meta(meta_body().replace('"message"', '"read"'))
    process_deliveries()

    assert Delivery.objects.count() == 2 and not Contact.objects.exists()


@META
def test_the_meta_handshake_and_forged_posts(db: None) -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": "v", "hub.challenge": "42"}
    assert Client().get("/hooks/meta", query).content == b"42"
    wrong = query | {"hub.verify_token": "x"}
    assert Client().get("/hooks/meta", wrong).status_code == 403

    assert post_meta(meta_body(), secret="forged").status_code == 401
    assert not Delivery.objects.exists()


def test_the_x_crc_test_vector() -> None:
    token = b"9b4507b3-9040-4669-9ca3-6b94edb50553"
    assert x.signature(X_SECRET, token) == (
        "sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8="
    )


@X
def test_the_x_crc_check_answers_the_token(db: None) -> None:
    response = Client().get(
        "/hooks/x", {"crc_token": "9b4507b3-9040-4669-9ca3-6b94edb50553"}
    )

    assert response.json() == {
        "response_token": "sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8="
    }
    assert Client().get("/hooks/x").status_code == 401


def x_body() -> str:
    return json.dumps(
        {
            "for_user_id": "4337869213",
            "direct_message_events": [
                {
                    "type": "message_create",
                    "id": "954491830116155396",
                    "created_timestamp": "1764817200557",
                    "message_create": {
                        "target": {"recipient_id": "4337869213"},
                        "sender_id": "3001969357",
                        "message_data": {"text": "Banjir sepinggang di Periuk"},
                    },
                },
                {
                    "type": "message_create",
                    "id": "954491830116155397",
                    "created_timestamp": "1764817201557",
                    "message_create": {
                        "target": {"recipient_id": "3001969357"},
                        "sender_id": "4337869213",
                        "message_data": {"text": "our own reply"},
                    },
                },
            ],
            "users": {
                "3001969357": {
                    "id": "3001969357",
                    "name": "Warga Periuk",
                    "screen_name": "wargaperiuk",
                }
            },
            "tweet_create_events": [
                {
                    "id_str": "1050118621198921728",
                    "created_at": "Thu Dec 04 03:15:00 +0000 2025",
                    "text": "@siaga112tng pohon tumbang di Jl. Sudirman",
                    "user": {"id_str": "777", "screen_name": "budi", "name": "Budi"},
                    "coordinates": {"type": "Point", "coordinates": [106.63, -6.18]},
                }
            ],
        }
    )


def post_x(raw: str, secret: str = X_SECRET) -> Any:
    signed = x.signature(secret, raw.encode())
    client = Client(headers={"x-twitter-webhooks-signature": signed})
    return client.post("/hooks/x", raw, content_type="application/json")


@X
def test_x_direct_messages_and_mentions_become_contacts(db: None) -> None:
    raw = x_body()
    assert post_x(raw).status_code == 200
    post_x(raw)

    assert process_deliveries() == 2
    dm = Contact.objects.get(provider_id="dm:954491830116155396")
    assert dm.text == "Banjir sepinggang di Periuk" and dm.reply_to == "3001969357"
    assert dm.caller is not None and dm.caller.identifier == "x:wargaperiuk"
    mention = Contact.objects.get(provider_id="tweet:1050118621198921728")
    assert (mention.lat, mention.lon, mention.location_source) == (
        -6.18,
        106.63,
        "x-geotag",
    )
    assert mention.received_at.hour == 3


@X
def test_a_forged_x_post_is_refused(db: None) -> None:
    assert post_x(x_body(), secret="wrong").status_code == 401
    assert post_x(x_body(), secret="").status_code == 401
    assert not Delivery.objects.exists()


def test_without_secrets_the_social_hooks_refuse_everything(db: None) -> None:
    assert post_x(x_body()).status_code == 403
    assert Client().get("/hooks/x", {"crc_token": "t"}).status_code == 403
    assert post_meta(meta_body()).status_code == 403


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "object",
                    "entry",
                    "messaging",
                    "standby",
                    "message",
                    "mid",
                    "text",
                    "sender",
                    "id",
                    "timestamp",
                    "attachments",
                    "payload",
                    "coordinates",
                    "lat",
                    "long",
                    "url",
                    "type",
                    "for_user_id",
                    "direct_message_events",
                    "tweet_create_events",
                    "message_create",
                    "sender_id",
                    "created_timestamp",
                    "id_str",
                    "user",
                    "created_at",
                    "extended_tweet",
                    "full_text",
                ]
            ),
            inner,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@given(JSONISH, st.sampled_from(["page", "instagram"]))
def test_the_meta_parser_never_crashes(payload: Any, kind: str) -> None:
    if isinstance(payload, dict):
        payload["object"] = kind
    for message in messenger.messages(payload):
        assert message.provider_id and isinstance(message.text, str)


@given(JSONISH)
def test_the_x_parser_never_crashes(payload: Any) -> None:
    for message in x.messages(payload):
        assert message.provider_id and isinstance(message.text, str)
