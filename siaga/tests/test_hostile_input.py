"""Input built to break parsers: numbers too long for Python, nesting too deep, points
at infinity, dates with absurd offsets. Each gets a 4xx or is kept harmlessly; never a
500, and nothing half-made."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, override_settings

from siaga.accounts.models import User
from siaga.accounts.roles import Role
from siaga.intake.channels.x import messages as x_messages
from siaga.intake.models import Contact, Delivery
from siaga.ops.worker import process_deliveries
from siaga.referrals.actions import save_referral_partner
from siaga.testing import api_client, make_user

HUGE_NUMBER = "9" * 5000
DEEP = "[" * 100_000


def signed_whatsapp(raw: str) -> Any:
    signature = hmac.new(b"s3cret", raw.encode(), hashlib.sha256).hexdigest()
    client = Client(headers={"X-Hub-Signature-256": f"sha256={signature}"})
    return client.post("/hooks/whatsapp", raw, content_type="application/json")


@override_settings(SIAGA_WHATSAPP_APP_SECRET="s3cret")
@pytest.mark.parametrize("raw", [HUGE_NUMBER, DEEP, '{"entry": ' + HUGE_NUMBER + "}"])
def test_a_signed_webhook_body_python_cannot_read_is_a_400(db: None, raw: str) -> None:
    response = signed_whatsapp(raw)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert not Delivery.objects.exists()


@override_settings(SIAGA_WHATSAPP_APP_SECRET="s3cret")
def test_a_pin_at_an_impossible_place_is_kept_without_it(db: None) -> None:
    pin = {"latitude": 10**400, "longitude": 1e308 * 10, "name": "x"}
    body = {
        "entry": [
            {
                "changes": [
                    {
                        "value": {
                            "messages": [
                                {
                                    "from": "6281234567890",
                                    "id": "wamid.INF",
                                    "type": "location",
                                    "location": pin,
                                }
                            ]
                        }
                    }
                ]
            }
        ]
    }
    raw = json.dumps(body).replace("Infinity", "1e999")
    assert signed_whatsapp(raw).status_code == 200

    assert process_deliveries() == 1
    assert Contact.objects.get().lat is None


@pytest.mark.parametrize("raw", [HUGE_NUMBER, DEEP])
def test_the_city_app_and_the_sms_gateway_refuse_unreadable_json(
    db: None, raw: str
) -> None:
    client = api_client(make_user("gateway", Role.INTEGRATION))

    for path in ("/api/v1/reports", "/hooks/sms"):
        response = client.post(path, raw, content_type="application/json")
        assert response.status_code == 400, path
    assert not Contact.objects.exists()


def test_a_partner_request_with_a_radius_at_infinity_is_queued_without_it(
    db: None,
) -> None:
    _, token = save_referral_partner(
        code="36.03", base_url="http://127.0.0.1:9", actor=None
    )
    eido = {
        "eidoVersion": "1.0",
        "updatedByAgencyReference": {"$ref": "urn:agency:kab"},
        "incidentComponent": {
            "$id": "urn:emergency:uid:incidentid:x1:112.tangerangkab.go.id",
            "incidentTypeCommonRegistryText": "FSTRU",
            "locationReference": [{"$ref": "loc-1"}],
        },
        "locationComponent": [
            {
                "$id": "loc-1",
                "locationTypeDescriptionRegistryText": "CurrentIncident",
                "locationDescriptionText": "geo:-6.2,106.6;u=" + "9" * 400,
            }
        ],
    }
    client = Client(headers={"Authorization": f"Bearer {token}"})

    response = client.post(
        "/api/v1/eido/requests",
        {"requestForService": {"requestId": "r-inf", "eido": eido}},
        content_type="application/json",
    )
    deep = client.post("/api/v1/eido/requests", DEEP, content_type="application/json")

    assert response.status_code == 200, response.content
    assert response.json()["response"]["responseCode"] == 182
    contact = Contact.objects.get()
    assert contact.location_accuracy_m is None
    assert deep.status_code == 400 and deep.json()["response"]["responseCode"] == 400


def test_a_partner_token_is_no_pbx_and_no_sms_gateway(db: None) -> None:
    _, token = save_referral_partner(
        code="36.03", base_url="http://127.0.0.1:9", actor=None
    )
    client = Client(headers={"Authorization": f"Bearer {token}"})

    call = {"call_id": "live-1", "event": "abandoned", "caller_id": "0812"}
    assert client.post("/hooks/telephony", call, "application/json").status_code == 403
    sms = {"from": "0812", "text": 'A"ML=1;lt=-6.1;lg=106.6;rd=10;top=20261204120000'}
    assert client.post("/hooks/sms", sms, "application/json").status_code == 403
    assert not Contact.objects.exists()
    partner = User.objects.get(username="mitra-36.03")
    assert partner.role == Role.REFERRAL_PARTNER


def test_an_x_date_with_an_absurd_offset_is_stored_in_utc() -> None:
    tweet = {
        "id_str": "1",
        "created_at": "Thu Dec 04 03:15:00 +2359 2025",
        "text": "x",
        "user": {"id_str": "2"},
    }
    (found,) = x_messages({"for_user_id": "9", "tweet_create_events": [tweet]})
    assert found.sent_at is not None
    assert found.sent_at.utcoffset() == timedelta(0)
