"""Actions on contacts: record what arrived, classify it, tie it to an incident."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from siaga.accounts.models import User
from siaga.events.log import append_event, changes, snapshot
from siaga.intake.actions.outbox import issue_tracking_link
from siaga.intake.models import (
    CALL_STATE_RANK,
    Caller,
    CallerKind,
    CallState,
    Channel,
    Classification,
    Contact,
    Media,
    MediaStatus,
    TelephonyEvent,
)
from siaga.lib import phone
from siaga.lib.errors import IllegalTransition, InvalidInput

if TYPE_CHECKING:
    from siaga.agencies.models import Agency
    from siaga.incidents.actions import Place
    from siaga.incidents.models import Category, Incident

# Senders on these channels are phone numbers when they parse as one (the web form asks
# for a number; the app sends one when the resident gave it).
PHONE_CHANNELS = frozenset(
    {
        Channel.CALL,
        Channel.SMS,
        Channel.AML,
        Channel.WHATSAPP,
        Channel.WEB,
        Channel.APP,
    }
)


@dataclass(frozen=True)
class MediaRef:
    """A photo or voice note with a contact: the provider's reference to fetch it
    later, or the bytes themselves when the resident uploaded them to us."""

    kind: str
    provider_ref: str = ""
    mime_type: str = ""
    sha256: str = ""
    caption: str = ""
    content: bytes | None = None


def attach_media(contact: Contact, ref: MediaRef) -> Media:
    """Part of recording a contact (its event lists the media); never called alone."""
    stored = ref.content is not None
    return Media.objects.create(
        contact=contact,
        kind=ref.kind[:16],
        provider_ref=ref.provider_ref[:2000],
        mime_type=ref.mime_type[:100],
        sha256=ref.sha256[:64],
        caption=ref.caption[:1000],
        status=MediaStatus.STORED if stored else MediaStatus.WAITING,
        content=ref.content,
        size_bytes=len(ref.content) if ref.content is not None else None,
    )


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
    note: str = "",
    reply_to: str = "",
    media: Sequence[MediaRef] = (),
    source_address: str | None = None,
    tracking_code: str = "",
    category_hint: Category | None = None,
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
        note=note,
        reply_to=reply_to[:120],
        source_address=source_address,
        tracking_code=tracking_code,
        category_hint=category_hint,
    )
    contact.full_clean(exclude=["caller", "incident", "handled_by", "category_hint"])
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError:
        # A concurrent delivery of the same message won the race: answer with that one.
        return Contact.objects.get(channel=channel, provider_id=provider_id), False
    for ref in media:
        attach_media(contact, ref)
    append_event(
        actor=actor,
        action="contact.recorded",
        target=contact,
        after={**snapshot(contact), "media": [ref.kind for ref in media]},
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
    tracked = ["classification", "note", "deflection_reference"]
    before = snapshot(contact, tracked)
    contact.classification = classification
    contact.note = note or contact.note
    contact.classified_at = timezone.now()
    contact.handled_by = actor
    if (
        classification == Classification.NON_EMERGENCY
        and not contact.deflection_reference
    ):
        contact.deflection_reference = deflection_reference(contact)
    contact.save(
        update_fields=[
            "classification",
            "note",
            "classified_at",
            "handled_by",
            "deflection_reference",
        ]
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
    issue_tracking_link(contact, actor=actor)
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


def deflection_reference(contact: Contact) -> str:
    """The reference a non-emergency caller quotes to the city complaint channel."""
    return f"{settings.SIAGA_CITY_CODE}-ADU-{contact.public_id.hex[:8].upper()}"


@transaction.atomic
def record_callback(contact: Contact, *, note: str = "", actor: User | None) -> Contact:
    """Someone called a silent or dropped caller back; say how it went."""
    done = Contact.objects.filter(pk=contact.pk, callback_done_at__isnull=True).update(
        callback_done_at=timezone.now()
    )
    if not done:
        raise IllegalTransition("this caller was already called back")
    contact.refresh_from_db()
    append_event(
        actor=actor,
        action="contact.called_back",
        target=contact,
        after={"note": note} if note else {},
        incident=contact.incident,
    )
    return contact


@dataclass(frozen=True)
class Triage:
    """What the call taker decided: the classification and, for an emergency, either a
    new incident (category, place, agencies…) or the open incident it duplicates."""

    classification: str
    note: str = ""
    category: Category | None = None
    priority: int | None = None
    description: str = ""
    people_count: int | None = None
    place: Place | None = None
    agencies: Sequence[Agency] = ()
    duplicate_of: Incident | None = None
    # Other people's reports of the same thing, attached to the same incident.
    also: Sequence[Contact] = ()


@transaction.atomic
def triage_contact(contact: Contact, triage: Triage, *, actor: User | None) -> Contact:
    """The console's one form: classify a contact and act on it in one transaction.

    1. A duplicate of an open incident is linked to it and classified `duplicate`.
    2. An emergency opens an incident with its dispatches and links the contact.
    3. Anything else is classified (a non-emergency gets its complaint reference).
    4. Reports chosen as the same thing (`also`) join the contact's incident as
       duplicates, so every source is attached to one incident.
    """
    contact = _triage_one(contact, triage, actor=actor)
    if contact.incident is not None:
        for other in triage.also:
            if other.pk != contact.pk:
                classify_contact(
                    other,
                    classification=Classification.DUPLICATE,
                    incident=contact.incident,
                    actor=actor,
                )
    return contact


def _triage_one(contact: Contact, triage: Triage, *, actor: User | None) -> Contact:
    from siaga.incidents.actions import open_incident

    if triage.duplicate_of is not None:
        return classify_contact(
            contact,
            classification=Classification.DUPLICATE,
            incident=triage.duplicate_of,
            note=triage.note,
            actor=actor,
        )
    if triage.classification == Classification.EMERGENCY:
        if triage.category is None:
            raise InvalidInput("choose the category of the emergency", field="category")
        open_incident(
            category=triage.category,
            description=triage.description,
            priority=triage.priority,
            people_count=triage.people_count,
            place=triage.place,
            contacts=[contact],
            agencies=triage.agencies,
            actor=actor,
        )
        contact.refresh_from_db()
    return classify_contact(
        contact, classification=triage.classification, note=triage.note, actor=actor
    )


@transaction.atomic
def log_call_by_hand(*, caller_id: str, actor: User | None) -> Contact:
    """A call answered without a PBX event: recorded as answered by this operator."""
    now = timezone.now()
    contact, _ = record_contact(
        channel=Channel.CALL, sender=caller_id, received_at=now, actor=actor
    )
    Contact.objects.filter(pk=contact.pk).update(
        call_state=CallState.ANSWERED, answered_at=now, handled_by=actor
    )
    contact.refresh_from_db()
    append_event(
        actor=actor,
        action="contact.answered",
        target=contact,
        after={"call_state": CallState.ANSWERED, "by_hand": True},
    )
    return contact


@transaction.atomic
def move_contact_fix(contact: Contact, fix: Fix, *, actor: User | None) -> Contact:
    """A live location moved: the contact's fix follows (never the incident's place,
    which changes only when an operator says so)."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    tracked = ["lat", "lon", "location_accuracy_m", "location_source"]
    before = snapshot(contact, tracked)
    contact.lat, contact.lon = fix.lat, fix.lon
    contact.location_accuracy_m, contact.location_source = fix.accuracy_m, fix.source
    contact.save(update_fields=tracked)
    old, new = changes(before, snapshot(contact, tracked))
    if new:
        append_event(
            actor=actor,
            action="contact.location_updated",
            target=contact,
            before=old,
            after=new,
            incident=contact.incident,
        )
    return contact
