"""The room console's pages: the inbox grouped by sender, proposals, the one-form
triage that attaches similar reports, replies, retries, and media served safely."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from siaga.accounts.models import User
from siaga.intake.actions import Fix, MediaRef, record_contact
from siaga.intake.actions.outbox import queue_message
from siaga.intake.inbox import conversations
from siaga.intake.models import Channel, Classification, Contact, OutboundMessage
from siaga.intake.proposals import proposals_for
from siaga.ops.worker import send_outbound_messages
from siaga.testing import page_client

PASAR_ANYAR = Fix(-6.1751, 106.6335, 20, "whatsapp-pin")


def message(
    provider_id: str,
    sender: str,
    text: str,
    channel: str = Channel.WHATSAPP,
    **extra: Any,
) -> Contact:
    contact, _ = record_contact(
        channel=channel,
        sender=sender,
        text=text,
        provider_id=provider_id,
        reply_to=sender,
        actor=None,
        **extra,
    )
    return contact


def test_the_inbox_groups_a_senders_messages(room_operator: User) -> None:
    message("w1", "6281200000001", "halo")
    message("w2", "6281200000001", "ada pohon tumbang")
    message("w3", "6281200000002", "banjir di periuk")
    record_contact(channel=Channel.CALL, sender="0812", actor=None)

    groups = conversations()
    assert [g.count for g in groups] == [1, 2]
    assert groups[1].latest.text == "ada pohon tumbang" and groups[1].waiting == 2


def test_the_console_proposes_the_same_tree_from_other_people(
    room_operator: User,
) -> None:
    first = message(
        "w1", "6281200000001", "Pohon tumbang di depan Pasar Anyar", fix=PASAR_ANYAR
    )
    same = message(
        "t1", "warga1", "pohon besar tumbang dekat pasar anyar", Channel.TELEGRAM
    )
    other = message("t2", "warga2", "kucing terjebak di atap", Channel.TELEGRAM)

    proposed = [p.contact for p in proposals_for(first)[1]]
    assert same in proposed and other not in proposed


def test_one_form_makes_an_incident_with_every_source(room_operator: User) -> None:
    first = message("w1", "6281200000001", "Pohon tumbang di depan Pasar Anyar")
    same = message("t1", "warga1", "pohon tumbang dekat pasar anyar", Channel.TELEGRAM)
    client = page_client(room_operator)

    response = client.post(
        f"/konsol/kontak/{first.public_id}/",
        {
            "classification": "emergency",
            "category": "pohon-tumbang",
            "agencies": ["DKP"],
            "also": [str(same.public_id)],
            "next": "inbox",
        },
    )

    assert response.status_code == 302 and response["Location"] == "/konsol/pesan/"
    first.refresh_from_db()
    same.refresh_from_db()
    assert first.incident is not None and same.incident == first.incident
    assert same.classification == Classification.DUPLICATE


def test_the_inbox_page_prefills_from_the_words(
    room_operator: User, django_assert_max_num_queries: Any
) -> None:
    contact = message(
        "w1", "6281200000001", "tolong ada ular kobra masuk rumah di Kel. Sukasari"
    )
    client = page_client(room_operator)

    with django_assert_max_num_queries(80):
        page = client.get(f"/konsol/pesan/?kontak={contact.public_id}").text

    assert re.search(r'value="hewan-liar"[^>]*selected', page)
    assert "Balas lewat" in page


def test_a_reply_goes_to_the_outbox_and_a_failure_can_be_retried(
    room_operator: User,
) -> None:
    contact = message("w1", "6281200000001", "halo")
    client = page_client(room_operator)

    client.post(f"/konsol/pesan/{contact.public_id}/balas/", {"text": "Baik, kami cek"})
    send_outbound_messages()  # no WhatsApp token configured: fails, visibly
    reply = OutboundMessage.objects.get()
    assert reply.status == "failed"
    assert "gagal terkirim" in client.get("/konsol/pesan/").text

    client.post(f"/konsol/pesan/keluar/{reply.public_id}/ulang/")
    reply.refresh_from_db()
    assert reply.status == "queued" and reply.attempts == 0


def test_an_empty_reply_is_refused(room_operator: User) -> None:
    contact = message("w1", "6281200000001", "halo")
    page_client(room_operator).post(
        f"/konsol/pesan/{contact.public_id}/balas/", {"text": " "}
    )
    assert not OutboundMessage.objects.exists()
    try:
        queue_message(contact, text="x" * 5000, purpose="reply", actor=room_operator)
    except Exception as error:  # noqa: BLE001
        assert "terlalu panjang" in str(error)


def test_media_is_served_to_the_floor_only_and_never_as_html(
    room_operator: User, damkar_operator: User
) -> None:
    record_contact(
        channel=Channel.WEB,
        sender="081200000001",
        provider_id="web1",
        media=[
            MediaRef(kind="image", mime_type="text/html", content=b"<script>x</script>")
        ],
        actor=None,
    )
    media = Contact.objects.get().media.get()

    response = page_client(room_operator).get(f"/konsol/media/{media.public_id}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "attachment"
    assert (
        page_client(damkar_operator)
        .get(f"/konsol/media/{media.public_id}/")
        .status_code
        == 403
    )
    assert Client().get(f"/konsol/media/{media.public_id}/").status_code == 302
