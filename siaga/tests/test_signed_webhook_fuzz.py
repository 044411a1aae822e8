"""Fuzzing behind the signature: bodies shaped as each provider sends them, with one
part swapped for anything JSON can hold, signed as the provider signs. The signature
is right, so the body reaches the parser. Each gets a 2xx or a 4xx, never a 500. A
body answered 2xx is stored as sent, and the worker then either makes contacts of it
or keeps it with its error. It is never lost and never stops the queue."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siaga.intake.channels.x import signature as x_signature
from siaga.intake.models import Delivery, DeliveryStatus
from siaga.ops.worker import process_deliveries

SECRET = "s3cret"
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=12,
)


def hub_signature(raw: bytes) -> dict[str, str]:
    digest = hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}"}


@dataclass(frozen=True)
class Provider:
    path: str
    sample: dict[str, Any]
    headers: Callable[[bytes], dict[str, str]]


WHATSAPP_MESSAGE = {
    "from": "6281234567890",
    "id": "wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABIYFjNFQjA",
    "timestamp": "1764900000",
    "type": "location",
    "location": {"latitude": -6.1783, "longitude": 106.6319, "name": "Pasar Anyar"},
    "text": {"body": "Pohon tumbang di depan Pasar Anyar"},
}
PROVIDERS = {
    "whatsapp": Provider(
        "/hooks/whatsapp",
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "102290129340398",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {"phone_number_id": "1065403"},
                                "contacts": [
                                    {"profile": {"name": "Sari"}, "wa_id": "628123"}
                                ],
                                "messages": [WHATSAPP_MESSAGE],
                            },
                        }
                    ],
                }
            ],
        },
        hub_signature,
    ),
    "telegram": Provider(
        "/hooks/telegram",
        {
            "update_id": 10000,
            "message": {
                "message_id": 1365,
                "date": 1764900000,
                "chat": {"id": 1111111, "type": "private", "first_name": "Sari"},
                "from": {"id": 1111111, "is_bot": False, "first_name": "Sari"},
                "text": "Banjir di Ciledug",
                "location": {"latitude": -6.2291, "longitude": 106.7106},
            },
        },
        lambda raw: {"X-Telegram-Bot-Api-Secret-Token": SECRET},
    ),
    "meta": Provider(
        "/hooks/meta",
        {
            "object": "page",
            "entry": [
                {
                    "id": "1234567890",
                    "time": 1764900000000,
                    "messaging": [
                        {
                            "sender": {"id": "2468"},
                            "recipient": {"id": "1234567890"},
                            "timestamp": 1764900000000,
                            "message": {"mid": "m_1", "text": "Ada kebakaran"},
                        }
                    ],
                }
            ],
        },
        hub_signature,
    ),
    "x": Provider(
        "/hooks/x",
        {
            "for_user_id": "4337869213",
            "direct_message_events": [
                {
                    "type": "message_create",
                    "id": "954491830116155396",
                    "created_timestamp": "1764900000000",
                    "message_create": {
                        "target": {"recipient_id": "4337869213"},
                        "sender_id": "3001969357",
                        "message_data": {"text": "Tolong, ada orang pingsan"},
                    },
                }
            ],
        },
        lambda raw: {"x-twitter-webhooks-signature": x_signature(SECRET, raw)},
    ),
}
KEYS = override_settings(
    SIAGA_WHATSAPP_APP_SECRET=SECRET,
    SIAGA_TELEGRAM_SECRET_TOKEN=SECRET,
    SIAGA_META_APP_SECRET=SECRET,
    SIAGA_X_CONSUMER_SECRET=SECRET,
)


def places(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document, the whole of it included."""
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += places(item, (*path, index))
    return found


def swapped(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = json.loads(json.dumps(document))
    parent = copy
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return copy


@st.composite
def mutated(draw: st.DrawFn, sample: dict[str, Any]) -> bytes:
    path = draw(st.sampled_from(places(sample)))
    body = swapped(sample, path, draw(JSON))
    return json.dumps(body, ensure_ascii=draw(st.booleans())).encode()


def post(provider: Provider, raw: bytes) -> int:
    client = Client(headers=provider.headers(raw))
    response = client.post(provider.path, raw, content_type="application/json")
    return int(response.status_code)


@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_a_signed_body_of_any_shape_is_kept_or_refused_never_a_500(
    db: None, name: str
) -> None:
    provider = PROVIDERS[name]

    @KEYS
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(raw=mutated(provider.sample))
    def try_one(raw: bytes) -> None:
        before = Delivery.objects.count()

        status = post(provider, raw)

        assert status < 500, raw
        stored = Delivery.objects.order_by("-pk").first()
        if status < 300 and Delivery.objects.count() > before:
            assert stored is not None and stored.body == raw.decode()
            process_deliveries()  # must not raise
            stored.refresh_from_db()
            assert stored.status == DeliveryStatus.PROCESSED or stored.error, raw

    try_one()


@KEYS
@pytest.mark.parametrize("name", sorted(PROVIDERS))
def test_the_unmutated_sample_is_taken(db: None, name: str) -> None:
    """The fuzzing starts from bodies each provider really sends."""
    provider = PROVIDERS[name]
    raw = json.dumps(provider.sample).encode()

    assert post(provider, raw) == 200
    process_deliveries()
    assert Delivery.objects.get().status == DeliveryStatus.PROCESSED
    assert Delivery.objects.get().contact_count == 1
