"""A person's data in the event log is sealed with their key; erase the key and it is
gone for good, while the chain still holds (events/sealing.py)."""

from __future__ import annotations

import json

from siaga.events.audit import verify_log
from siaga.events.models import Event, SealingKey
from siaga.events.sealing import forget, is_sealed, unseal
from siaga.intake.actions import record_contact
from siaga.intake.models import Contact

NUMBER, WORDS = "081299887766", "Tolong, rumah saya di Gang Kenanga 12 kebakaran"


def recorded(db: None) -> tuple[Contact, Event]:
    contact, _ = record_contact(channel="sms", sender=NUMBER, text=WORDS, actor=None)
    return contact, Event.objects.get(action="contact.recorded")


def test_the_log_holds_no_plain_personal_data(db: None) -> None:
    contact, event = recorded(db)
    stored = json.dumps([event.target_label, event.before, event.after])

    assert WORDS not in stored and "99887766" not in stored
    assert event.after is not None and is_sealed(event.after["text"])
    assert event.after["channel"] == "sms"  # what is not personal stays readable
    assert unseal(event.after)["text"] == WORDS  # type: ignore[index]


def test_an_erased_key_leaves_the_data_unreadable_and_the_chain_whole(
    db: None,
) -> None:
    contact, event = recorded(db)

    assert forget([contact.personal_data_subject]) == 1

    opened = unseal(Event.objects.get(pk=event.pk).after)
    assert opened is not None and opened["text"] is None
    assert opened["sender_raw"] is None and opened["channel"] == "sms"
    broken, checked, _ = verify_log()
    assert broken is None and checked > 0


def test_a_sealed_value_moved_to_another_person_does_not_open(db: None) -> None:
    first, event = recorded(db)
    other, _ = record_contact(channel="sms", sender="081311112222", actor=None)
    SealingKey.objects.get_or_create(
        subject=other.personal_data_subject, defaults={"key": b"k" * 32}
    )
    assert event.after is not None
    moved = dict(event.after["text"], subject=other.personal_data_subject)

    assert unseal({"text": moved}) == {"text": None}


def test_events_about_anything_else_are_stored_as_given(make_incident) -> None:  # type: ignore[no-untyped-def]
    incident = make_incident(description="Gudang terbakar di Jl. Sudirman")

    opened = Event.objects.get(action="incident.opened")

    assert opened.after is not None
    assert opened.after["description"] == incident.description
