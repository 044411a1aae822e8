"""Retention blanks contacts' personal data and leaves every figure of the month as it
was (siaga/intake/actions/retention.py)."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from siaga.accounts.models import User
from siaga.events.audit import verify_log
from siaga.events.models import Event
from siaga.events.sealing import unseal
from siaga.incidents.models import Incident
from siaga.intake.actions import classify_contact, record_contact
from siaga.intake.actions.retention import anonymize_old_contacts
from siaga.intake.models import Caller, Contact, Media, OutboundMessage
from siaga.lib.fields import WIB
from siaga.stats.tests.month import everything_counted, wib
from siaga.testing import api_client

DECEMBER_FIRST = datetime(2026, 12, 1, tzinfo=WIB)


@pytest.fixture
def a_located_prank(november: dict[str, Incident]) -> Contact:
    with time_machine.travel(wib(20, 21), tick=False):
        prank, _ = record_contact(
            channel="sms",
            sender="081299990000",
            text="Rumah saya di Jl. Melati 7, cepat!",
            reply_to="081299990000",
            actor=None,
        )
    Contact.objects.filter(pk=prank.pk).update(lat=-6.1746, lon=106.6339)
    classify_contact(prank, classification="prank", actor=None)
    return prank


def test_the_figures_stay_and_the_personal_data_goes(
    a_located_prank: Contact, supervisor: User
) -> None:
    before = everything_counted()
    recent, _ = record_contact(
        channel="sms", sender="081311112222", text="x", actor=None
    )

    blanked = anonymize_old_contacts(before=DECEMBER_FIRST, actor=None)

    assert everything_counted() == before
    assert blanked == Contact.objects.filter(received_at__lt=DECEMBER_FIRST).count()
    old = Contact.objects.get(pk=a_located_prank.pk)
    assert (old.sender_raw, old.text, old.reply_to, old.lat, old.lon) == (
        "", "", "", None, None,
    )  # fmt: skip
    assert old.place == "Tangerang" and old.anonymized_at is not None
    assert old.caller is not None and old.classification == "prank"
    body = api_client(supervisor).get(f"/api/v1/contacts/{old.public_id}").json()
    assert "Melati" not in str(body) and "99990000" not in str(body)
    assert Contact.objects.get(pk=recent.pk).text == recent.text  # not yet due
    logged = Event.objects.get(action="contact.recorded", target_id=str(old.pk))
    opened = unseal(logged.after)
    assert opened is not None and (opened["text"], opened["sender_raw"]) == (None, None)


def test_a_caller_still_calling_keeps_its_number_the_rest_are_forgotten(
    a_located_prank: Contact,
) -> None:
    old_only = Contact.objects.filter(received_at__lt=DECEMBER_FIRST).exclude(
        caller=a_located_prank.caller
    )
    forgotten = {c.caller_id for c in old_only if c.caller_id}
    record_contact(channel="call", sender="081299990000", actor=None)  # calls again

    anonymize_old_contacts(before=DECEMBER_FIRST, actor=None)

    assert a_located_prank.caller is not None
    assert Caller.objects.get(pk=a_located_prank.caller.pk).identifier.endswith(
        "81299990000"
    )
    for caller in Caller.objects.filter(pk__in=forgotten):
        assert caller.identifier.startswith("anon-") and caller.display_name == ""


def test_photos_and_replies_go_with_their_contact(a_located_prank: Contact) -> None:
    from siaga.intake.actions.outbox import queue_message

    Media.objects.create(
        contact=a_located_prank, kind="image", caption="foto rumah", content=b"\xff"
    )
    queue_message(
        a_located_prank, text="Petugas menuju Jl. Melati", purpose="reply", actor=None
    )

    anonymize_old_contacts(before=DECEMBER_FIRST, actor=None)

    media = Media.objects.get(contact=a_located_prank)
    assert (media.content, media.caption) == (None, "")
    reply = OutboundMessage.objects.get(contact=a_located_prank)
    assert (reply.recipient, reply.text) == ("", "")


def test_it_is_an_event_the_chain_still_holds_and_a_second_run_does_nothing(
    a_located_prank: Contact,
) -> None:
    first = anonymize_old_contacts(before=DECEMBER_FIRST, actor=None)

    assert first > 0
    assert anonymize_old_contacts(before=DECEMBER_FIRST, actor=None) == 0
    event = Event.objects.get(action="contacts.anonymized")
    assert event.after is not None and event.after["count"] == first
    assert "99990000" not in str(event.after)
    broken, checked, _ = verify_log()
    assert broken is None and checked > 0


def test_the_command_needs_a_period(db: None) -> None:
    with pytest.raises(CommandError, match="keep for ever"):
        call_command("retention")
    out = StringIO()
    call_command("retention", "--days", "30", stdout=out)
    assert "0 contacts" in out.getvalue()


def test_the_worker_applies_the_setting_hourly(
    a_located_prank: Contact, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from siaga.ops import worker

    monkeypatch.setitem(worker._last_housekeeping, "at", 0.0)
    settings.SIAGA_RETENTION_DAYS = 0
    worker.housekeeping()
    assert not Contact.objects.filter(anonymized_at__isnull=False).exists()

    monkeypatch.setitem(worker._last_housekeeping, "at", 0.0)
    settings.SIAGA_RETENTION_DAYS = 1
    with time_machine.travel(datetime(2026, 12, 20, tzinfo=WIB)):
        worker.housekeeping()
        assert worker.housekeeping() == 0  # not again within the hour

    assert Contact.objects.get(pk=a_located_prank.pk).anonymized_at is not None


def test_a_forgotten_callers_event_does_not_name_them(
    a_located_prank: Contact,
) -> None:
    anonymize_old_contacts(before=DECEMBER_FIRST, actor=None)

    forgotten = Event.objects.filter(action="caller.forgotten")
    assert forgotten.exists()
    assert not [e for e in forgotten if any(ch.isdigit() for ch in e.target_label)]


def test_a_backlog_is_worked_through_a_little_each_pass(
    a_located_prank: Contact, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from siaga.intake.actions import retention
    from siaga.ops import worker

    for module in (retention, worker):
        monkeypatch.setattr(module, "BATCH", 2)
    monkeypatch.setattr(worker, "RETENTION_BATCHES_A_PASS", 1)
    monkeypatch.setitem(worker._last_housekeeping, "at", 0.0)
    settings.SIAGA_RETENTION_DAYS = 1
    due = Contact.objects.filter(received_at__lt=DECEMBER_FIRST).count()
    assert due > 4

    with time_machine.travel(datetime(2026, 12, 20, tzinfo=WIB)):
        assert worker.housekeeping() == 2
        assert worker._last_housekeeping["at"] == 0.0  # more to do: next pass
        assert worker.housekeeping() == 2

    assert Contact.objects.filter(anonymized_at__isnull=False).count() == 4
