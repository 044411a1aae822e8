"""The city app's endpoint, the public report page and the tracking page: photos,
abuse limits, idempotency, hostile text, and what a resident may see."""

from __future__ import annotations

import base64
import io
import json
import uuid
from typing import Any

import pytest
from django.test import Client, override_settings
from PIL import Image

from siaga.accounts.models import User
from siaga.accounts.roles import Role
from siaga.dispatching.actions import acknowledge_dispatch, respond_to_dispatch
from siaga.incidents.actions import change_incident_status
from siaga.incidents.models import Category, Incident
from siaga.intake.actions import Triage, triage_contact
from siaga.intake.models import Channel, Classification, Contact, Media
from siaga.testing import api_client, make_user, page_client


def image_bytes(mode: str = "RGB", kind: str = "JPEG", size: int = 8) -> bytes:
    """A real image (photos are decoded and re-encoded before they are kept)."""
    out = io.BytesIO()
    Image.new(mode, (size, size), "red").save(out, format=kind)
    return out.getvalue()


JPEG = image_bytes()


@pytest.fixture
def app_client(db: None) -> Client:
    return api_client(make_user("app-kota", Role.INTEGRATION))


def app_report(**extra: Any) -> dict[str, Any]:
    return {
        "report_id": "app-0001",
        "reporter": {"id": "u-77", "phone": "0812-3456-7890", "name": "Rina"},
        "category": "pohon-tumbang",
        "text": "Pohon besar tumbang menutup jalan",
        "address": "Jl. Daan Mogot depan Pasar Anyar",
        "location": {"lat": -6.1746, "lon": 106.6339, "accuracy_m": 8},
    } | extra


def test_an_app_report_with_gps_and_photo_gets_a_tracking_link(
    app_client: Client,
) -> None:
    body = app_report(photo_base64=base64.b64encode(JPEG).decode())
    first = app_client.post("/api/v1/reports", body, content_type="application/json")
    retry = app_client.post("/api/v1/reports", body, content_type="application/json")

    assert first.status_code == 201 and retry.status_code == 200
    assert first.json()["tracking_code"] == retry.json()["tracking_code"]
    assert first.json()["tracking_url"].endswith(
        f"/lacak/{first.json()['tracking_code']}"
    )
    contact = Contact.objects.get()
    assert (contact.channel, contact.location_source, contact.location_accuracy_m) == (
        Channel.APP,
        "app-gps",
        8,
    )
    assert (
        contact.category_hint is not None
        and contact.category_hint.code == "pohon-tumbang"
    )
    assert contact.caller is not None and contact.caller.identifier == "+6281234567890"
    assert "[disimpan sebagai media]" in contact.raw_payload
    media = Media.objects.get()
    assert (media.status, media.mime_type) == ("stored", "image/jpeg")
    with Image.open(io.BytesIO(bytes(media.content or b""))) as kept:
        assert (kept.format, kept.size) == ("JPEG", (8, 8))


def test_an_app_report_can_send_its_photo_as_multipart(app_client: Client) -> None:
    photo = io.BytesIO(image_bytes("RGBA", "PNG"))  # transparency stays a PNG
    photo.name = "foto.png"
    response = app_client.post(
        "/api/v1/reports", {"report": json.dumps(app_report()), "photo": photo}
    )

    assert response.status_code == 201
    assert Media.objects.get().mime_type == "image/png"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (app_report(category="tidak-ada"), 422),
        (app_report(photo_base64="!!!"), 422),
        (app_report(photo_base64=base64.b64encode(b"<html>").decode()), 422),
        (app_report(location={"lat": 91, "lon": 0}), 422),
        (app_report(text="a\u0000b"), 422),
        ({"report_id": "x"}, 422),
    ],
)
def test_bad_app_reports_are_refused_clearly(
    app_client: Client, body: Any, status: int
) -> None:
    response = app_client.post("/api/v1/reports", body, content_type="application/json")

    assert response.status_code == status
    assert response.json()["error"]["code"] in {"invalid_input", "bad_request"}
    assert not Contact.objects.exists()


@override_settings(SIAGA_MAX_MEDIA_BYTES=1000)
def test_an_oversized_photo_is_a_413(app_client: Client) -> None:
    big = base64.b64encode(JPEG + b"\x00" * 2000).decode()
    response = app_client.post(
        "/api/v1/reports", app_report(photo_base64=big), content_type="application/json"
    )
    assert response.status_code == 413 and not Contact.objects.exists()


def test_an_oversized_body_is_a_413(app_client: Client) -> None:
    body = json.dumps(app_report(text="x" * 100)) + " " * 1_100_000
    response = app_client.post("/api/v1/reports", body, content_type="application/json")
    assert response.status_code == 413


@override_settings(SIAGA_REPORTS_PER_SENDER_PER_HOUR=2)
def test_the_app_is_limited_per_resident(app_client: Client) -> None:
    codes = [
        app_client.post(
            "/api/v1/reports",
            app_report(report_id=f"r{i}"),
            content_type="application/json",
        ).status_code
        for i in range(3)
    ]
    assert codes == [201, 201, 429]


def lapor_form(**extra: Any) -> dict[str, Any]:
    return {
        "phone": "081298765432",
        "name": "Warga",
        "category": "banjir-bencana",
        "text": "Air masuk rumah setinggi lutut",
        "address": "Perumahan Total Persada RT 03/RW 05, Periuk",
        "lat": "-6.1702",
        "lon": "106.6049",
        "accuracy_m": "25",
        "submission": str(uuid.uuid4()),
        "website": "",
    } | extra


def test_the_report_page_is_public_and_in_bahasa(db: None) -> None:
    response = Client().get("/lapor/")
    assert response.status_code == 200
    assert (
        "Lapor kejadian ke 112" in response.text
        and 'name="submission"' in response.text
    )


def test_a_web_report_redirects_to_its_tracking_page(db: None) -> None:
    photo = io.BytesIO(JPEG)
    photo.name = "banjir.jpg"
    form = lapor_form(photo=photo)
    response = Client(REMOTE_ADDR="203.0.113.9").post("/lapor/", form)
    again = Client(REMOTE_ADDR="203.0.113.9").post("/lapor/", form | {"photo": ""})

    contact = Contact.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/lacak/{contact.tracking_code}/"
    )
    assert again["Location"] == response["Location"]  # a double tap is one report
    assert (contact.channel, contact.location_source, contact.source_address) == (
        Channel.WEB,
        "browser",
        "203.0.113.9",
    )
    assert contact.media.get().status == "stored"


@override_settings(SIAGA_REPORTS_PER_ADDRESS_PER_HOUR=2)
def test_web_reports_are_limited_per_address(db: None) -> None:
    client = Client(REMOTE_ADDR="198.51.100.7")
    codes = [
        client.post("/lapor/", lapor_form(phone=f"08129876543{i}")).status_code
        for i in range(3)
    ]
    assert codes == [302, 302, 429]
    assert "Terlalu banyak laporan" in client.post("/lapor/", lapor_form()).text


def test_a_bot_filling_the_trap_field_is_not_kept(db: None) -> None:
    response = Client().post("/lapor/", lapor_form(website="http://spam.example"))
    assert response.status_code == 302 and not Contact.objects.exists()


def test_a_bad_web_report_shows_its_errors(db: None) -> None:
    response = Client().post(
        "/lapor/", lapor_form(phone="abc", photo=io.BytesIO(b"MZ"))
    )
    assert response.status_code == 422
    assert "Nomor HP tidak dikenali" in response.text
    assert not Contact.objects.exists()


def test_hostile_text_is_shown_escaped_everywhere(
    db: None, room_operator: User
) -> None:
    Client().post(
        "/lapor/",
        lapor_form(text="<script>alert(1)</script><img src=x onerror=alert(2)>"),
    )
    contact = Contact.objects.get()

    inbox = page_client(room_operator).get(f"/konsol/pesan/?kontak={contact.public_id}")
    tracking = Client().get(f"/lacak/{contact.tracking_code}/")

    for page in (inbox.text, tracking.text):
        assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in inbox.text


def test_the_tracking_page_follows_the_incident_and_stops_at_closure(
    room_operator: User, damkar_operator: User
) -> None:
    Client().post("/lapor/", lapor_form(category="kebakaran", text="Rumah terbakar"))
    contact = Contact.objects.get()
    url = f"/lacak/{contact.tracking_code}/"
    assert 'data-stage="received"' in Client().get(url).text

    triage_contact(
        contact,
        Triage(
            classification=Classification.EMERGENCY,
            category=Category.objects.get(code="kebakaran"),
            agencies=[damkar_operator.agency],  # type: ignore[list-item]
        ),
        actor=room_operator,
    )
    contact.refresh_from_db()
    page = Client().get(url).text
    assert 'id="tracking" class="tracking" data-stage="forwarded"' in page
    assert contact.incident is not None and contact.incident.number in page
    for private in ("081298765432", "Warga", "Total Persada", "Rumah terbakar"):
        assert private not in page

    dispatch = contact.incident.dispatches.get()
    acknowledge_dispatch(dispatch, actor=damkar_operator)
    respond_to_dispatch(dispatch, status="accepted", actor=damkar_operator)
    respond_to_dispatch(dispatch, status="en_route", actor=damkar_operator)
    assert 'data-stage="on_the_way"' in Client().get(url).text
    assert "hx-trigger" in Client().get(url).text

    respond_to_dispatch(dispatch, status="handled", actor=damkar_operator)
    incident = Incident.objects.get(pk=contact.incident.pk)
    if incident.status != "resolved":
        change_incident_status(incident, status="resolved", actor=room_operator)
    change_incident_status(incident, status="closed", actor=room_operator)
    final = Client().get(url).text
    assert 'data-stage="handled"' in final and "Pelacakan selesai" in final
    assert "hx-trigger" not in final


def test_an_unknown_tracking_code_is_a_404(db: None) -> None:
    assert Client().get("/lacak/ZZZZZZZZZZZZ/").status_code == 404


def test_the_room_console_refuses_agency_operators_and_wallboards(
    damkar_operator: User, wallboard: User
) -> None:
    for user in (damkar_operator, wallboard):
        client = page_client(user)
        assert client.get("/konsol/pesan/").status_code == 403
        assert (
            client.post(
                f"/konsol/pesan/{uuid.uuid4()}/balas/", {"text": "x"}
            ).status_code
            == 403
        )
        assert client.get(f"/konsol/media/{uuid.uuid4()}/").status_code == 403


def test_the_app_endpoint_refuses_people_who_are_not_integrations(
    damkar_operator: User, wallboard: User
) -> None:
    for user in (damkar_operator, wallboard):
        response = api_client(user).post(
            "/api/v1/reports", app_report(), content_type="application/json"
        )
        assert response.status_code == 403
