"""Actions on contacts: record what arrived, classify it, tie it to an incident."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from siaga.accounts.models import User
from siaga.events.log import append_event, changes, snapshot
from siaga.intake.models import (
    CALL_STATE_RANK,
    Caller,
    CallerKind,
    CallState,
    Channel,
    Classification,
    Contact,
    TelephonyEvent,
)
from siaga.lib import phone
from siaga.lib.errors import IllegalTransition, InvalidInput

if TYPE_CHECKING:
    from siaga.incidents.models import Incident

PHONE_CHANNELS = frozenset({Channel.CALL, Channel.SMS, Channel.AML, Channel.WHATSAPP})


@dataclass(frozen=True)
class Fix:
    """A location reported with a contact: where, how sure, and who said so."""

    lat: float
    lon: float
    accuracy_m: int | None = None
    source: str = ""


def caller_for(channel: str, sender: str, display_name: str = "") -> Caller | None:
    """Find or create the caller behind a sender; None when the number is withheld."""
    if phone.is_withheld(sender):
        return None
    e164 = phone.to_e164(sender) if channel in PHONE_CHANNELS else None
    if e164:
        identifier, kind = e164, CallerKind.PHONE
    else:
        identifier, kind = f"{channel}:{sender.strip()[:100]}", CallerKind.HANDLE
    caller, _ = Caller.objects.get_or_create(
        identifier=identifier,
        defaults={"kind": kind, "display_name": display_name[:120]},
    )
    return caller


@transaction.atomic
def record_contact(
    *,
    channel: str,
    sender: str = "",
    text: str = "",
    provider_id: str = "",
    raw_payload: str = "",
    received_at: datetime | None = None,
    fix: Fix | None = None,
    display_name: str = "",
    actor: User | None,
) -> tuple[Contact, bool]:
    """Record one inbound contact; a repeat of (channel, provider_id) returns the first
    one.

    Returns the contact and whether it is new. A retried webhook never makes a second
    row.
    """
    if channel not in Channel.values:
        raise InvalidInput(f"unknown channel {channel!r}", field="channel")
    if provider_id:
        existing = Contact.objects.filter(
            channel=channel, provider_id=provider_id
        ).first()
        if existing is not None:
            return existing, False
    contact = Contact(
        channel=channel,
        provider_id=provider_id,
        caller=caller_for(channel, sender, display_name),
        sender_raw=sender[:200],
        text=text,
        raw_payload=raw_payload,
        received_at=received_at or timezone.now(),
        lat=fix.lat if fix else None,
        lon=fix.lon if fix else None,
        location_accuracy_m=fix.accuracy_m if fix else None,
        location_source=fix.source if fix else "",
    )
    contact.full_clean(exclude=["caller", "incident", "handled_by"])
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        # A concurrent delivery of the same message won the race: answer with that one.
        return Contact.objects.get(channel=channel, provider_id=provider_id), False
    append_event(
        actor=actor, action="contact.recorded", target=contact, after=snapshot(contact)
    )
    return contact, True


@transaction.atomic
def classify_contact(
    contact: Contact,
    *,
    classification: str,
    incident: Incident | None = None,
    note: str = "",
    actor: User | None,
) -> Contact:
    """Say what a contact was (emergency, prank,
    silent…) and, if so, which incident it fed."""
    if classification not in Classification.values:
        raise InvalidInput(
            f"unknown classification {classification!r}", field="classification"
        )
    if classification == Classification.UNCLASSIFIED:
        raise InvalidInput("choose a classification", field="classification")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if incident is not None:
        link_contact(contact, incident=incident, actor=actor)
    tracked = ["classification", "note"]
    before = snapshot(contact, tracked)
    contact.classification = classification
    contact.note = note or contact.note
    contact.classified_at = timezone.now()
    contact.handled_by = actor
    contact.save(
        update_fields=["classification", "note", "classified_at", "handled_by"]
    )
    old, new = changes(before, snapshot(contact, tracked))
    append_event(
        actor=actor,
        action="contact.classified",
        target=contact,
        before=old,
        after=new,
        incident=contact.incident,
    )
    return contact


@transaction.atomic
def link_contact(
    contact: Contact, *, incident: Incident, actor: User | None
) -> Contact:
    """Tie a contact to the incident it reports
    (a new one, or a duplicate of an open one)."""
    if incident.merged_into_id is not None:
        raise IllegalTransition(
            f"incident {incident.number} was merged; link the surviving one"
        )
    if contact.incident_id == incident.pk:
        return contact
    previous = contact.incident.number if contact.incident else None
    Contact.objects.filter(pk=contact.pk).update(incident=incident)
    contact.incident = incident
    append_event(
        actor=actor,
        action="contact.linked",
        target=contact,
        before={"incident": previous},
        after={"incident": incident.number},
        incident=incident,
    )
    return contact


@transaction.atomic
def record_call_event(
    *,
    call_id: str,
    event: str,
    caller_id: str = "",
    extension: str = "",
    occurred_at: datetime,
    raw_payload: str,
    actor: User | None,
) -> tuple[TelephonyEvent, bool]:
    """Apply one PBX event to its call: ringing, answered, ended or abandoned.

    1. A repeat of (call id, event) returns the first one and changes nothing.
    2. The call's contact is found or created, whatever event arrives first.
    3. Its state only moves forward (a late `ringing` after `answered` changes nothing
       but the ring time); the earliest time seen is the ring time.
    4. The raw event is stored, and the change is logged as `contact.<event>`.
    """
    if event not in CallState.values:
        raise InvalidInput(f"unknown call event {event!r}", field="event")
    existing = TelephonyEvent.objects.filter(call_id=call_id, event=event).first()
    if existing is not None:
        return existing, False
    contact, _ = record_contact(
        channel=Channel.CALL,
        sender=caller_id,
        provider_id=call_id,
        raw_payload=raw_payload,
        received_at=occurred_at,
        actor=actor,
    )
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    before = snapshot(contact, CALL_FIELDS)
    _advance_call(contact, event, occurred_at, extension)
    contact.save(update_fields=CALL_FIELDS)
    telephony_event = TelephonyEvent.objects.create(
        call_id=call_id,
        event=event,
        occurred_at=occurred_at,
        payload=raw_payload,
        contact=contact,
    )
    old, new = changes(before, snapshot(contact, CALL_FIELDS))
    append_event(
        actor=actor,
        action=f"contact.{event}",
        target=contact,
        before=old,
        after=new,
        incident=contact.incident,
    )
    return telephony_event, True


CALL_FIELDS = [
    "call_state",
    "received_at",
    "answered_at",
    "ended_at",
    "extension",
    "handled_by",
]


def _advance_call(contact: Contact, event: str, at: datetime, extension: str) -> None:
    """The call's row after this event; see record_call_event for the rules."""
    contact.received_at = min(contact.received_at, at)
    if event == CallState.ANSWERED:
        contact.answered_at = at
        contact.extension = extension or contact.extension
        if extension and contact.handled_by is None:
            contact.handled_by = User.objects.filter(
                extension=extension, is_active=True
            ).first()
    elif event in {CallState.ENDED, CallState.ABANDONED}:
        contact.ended_at = at
    current = (
        CALL_STATE_RANK.get(CallState(contact.call_state), -1)
        if contact.call_state
        else -1
    )
    if CALL_STATE_RANK[CallState(event)] > current:
        contact.call_state = event
