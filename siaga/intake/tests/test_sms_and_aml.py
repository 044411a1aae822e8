"""`POST /hooks/sms` (with AML SMS inside) and `POST /hooks/aml` (AML over HTTPS)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client, override_settings

from siaga.accounts.models import User
from siaga.intake.models import Channel, Contact
from siaga.lib.tests.test_aml import COMPUTED, DATA_SMS, HTTPS, NO_LOCATION
from siaga.testing import api_client

INDONESIAN_FIX = (
    'A"ML=1;lt=-6.17460;lg=+106.63390;rd=20;top=20261204031500;lc=68;pm=G;'
    "si=510100000000000;ei=356789012345678;mcc=510;mnc=10;ml=120"
)


@pytest.fixture
def gateway(call_taker: User) -> Client:
    return api_client(call_taker)


def send(client: Client, body: Any, form: bool = False) -> Any:
    if form:
        return client.post(
            "/hooks/sms",
            urlencode(body),
            content_type="application/x-www-form-urlencoded",
        )
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post("/hooks/sms", data, content_type="application/json")


def test_a_plain_sms_becomes_a_contact(gateway: Client) -> None:
    response = send(
        gateway, {"from": "0812-3456-7890", "text": "Ada pohon tumbang", "id": "g1"}
    )

    assert response.status_code == 201, response.content
    contact = Contact.objects.get()
    assert contact.channel == Channel.SMS
    assert contact.caller is not None and contact.caller.identifier == "+6281234567890"
    assert json.loads(contact.raw_payload)["text"] == "Ada pohon tumbang"


def test_a_form_post_works_too_and_a_retry_makes_nothing_new(gateway: Client) -> None:
    body = {"from": "6281234567890", "text": "Tolong", "id": "g2"}

    first, second = send(gateway, body, form=True), send(gateway, body, form=True)

    assert (first.status_code, second.status_code) == (201, 200)
    assert Contact.objects.count() == 1


def test_an_aml_sms_carries_the_handset_location(gateway: Client) -> None:
    send(gateway, {"from": "081234567890", "text": INDONESIAN_FIX, "id": "g3"})

    contact = Contact.objects.get()
    assert contact.channel == Channel.AML
    assert (contact.lat, contact.lon, contact.location_accuracy_m) == (
        -6.1746,
        106.6339,
        20,
    )
    assert contact.location_source == "aml-gnss"


def test_an_aml_sms_without_a_fix_is_kept_but_not_plotted(gateway: Client) -> None:
    send(gateway, {"from": "081234567890", "text": NO_LOCATION, "id": "g4"})

    contact = Contact.objects.get()
    assert contact.channel == Channel.AML and contact.lat is None
    assert contact.note == "AML tanpa lokasi"


def test_a_broken_aml_sms_stays_a_contact_with_its_reason(gateway: Client) -> None:
    send(gateway, {"from": "081234567890", "text": COMPUTED.replace("pm=W", "pm=Z")})

    contact = Contact.objects.get()
    assert contact.lat is None
    assert "positioning method" in contact.note


def test_a_data_sms_is_unpacked(gateway: Client) -> None:
    send(gateway, {"from": "081234567890", "data_hex": DATA_SMS, "id": "g5"})

    assert Contact.objects.get().lat == pytest.approx(37.42175)


@pytest.mark.parametrize(
    "body",
    [
        "{",
        "[]",
        {"text": "no sender"},
        {"from": "0812", "data_hex": "zz"},
        {"from": "x" * 301},
    ],
)
def test_malformed_sms_posts_are_refused(gateway: Client, body: Any) -> None:
    response = send(gateway, body)

    assert response.status_code in {400, 422}
    assert not Contact.objects.exists()


def test_hostile_text_is_stored_as_text_and_shown_escaped(
    gateway: Client, call_taker: User
) -> None:
    send(
        gateway,
        {"from": "081234567890", "text": "<script>alert(1)</script>", "id": "g6"},
    )
    contact = Contact.objects.get()

    from siaga.testing import page_client

    page = page_client(call_taker).get(f"/konsol/?kontak={contact.public_id}")
    assert "<script>alert(1)</script>" not in page.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.content.decode()


def test_an_agency_may_not_post_sms(damkar_operator: User) -> None:
    response = send(api_client(damkar_operator), {"from": "081234567890", "text": "x"})
    assert response.status_code == 403


def post_aml(body: str) -> Any:
    return Client().post(
        "/hooks/aml", body, content_type="application/x-www-form-urlencoded"
    )


@override_settings(SIAGA_AML_HMAC_KEY="AML")
def test_aml_over_https_with_a_good_signature(db: None) -> None:
    response = post_aml(HTTPS)
    again = post_aml(HTTPS)

    assert response.status_code == 200 and response.json()["accepted"] is True
    assert again.json()["note"] == "duplicate"
    contact = Contact.objects.get()
    assert (contact.lat, contact.lon) == (0.85732, -4.26325)
    assert contact.caller is not None and contact.caller.identifier == "+33611223344"


@override_settings(SIAGA_AML_HMAC_KEY="AML")
def test_a_forged_aml_message_is_refused_and_stores_nothing(db: None) -> None:
    response = post_aml(HTTPS.replace("0.85732", "0.95732"))

    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_a_malformed_aml_https_message_still_gets_a_2xx(db: None) -> None:
    response = post_aml("location_latitude=banyak&location_longitude=&%%%")

    assert response.status_code == 200
    assert Contact.objects.get().lat is None


def test_the_call_shows_the_handset_location_from_aml_beside_the_form(
    gateway: Client, call_taker: User
) -> None:
    from siaga.intake.actions import log_call_by_hand
    from siaga.testing import page_client

    call = log_call_by_hand(caller_id="081234567890", actor=call_taker)
    send(gateway, {"from": "+6281234567890", "text": INDONESIAN_FIX, "id": "aml-1"})

    html = (
        page_client(call_taker)
        .get(f"/konsol/?kontak={call.public_id}")
        .content.decode()
    )

    assert "Lokasi dari perangkat pelapor" in html
    assert 'data-lat="-6.1746"' in html  # applied only when the operator presses it
    call.refresh_from_db()
    assert call.lat is None
