"""Retention: contacts' personal data blanked after SIAGA_RETENTION_DAYS, figures kept.

What goes, for each contact received before the cut-off: the sender (number, handle,
name), the text, the provider's raw payload and id, the operator's note, the reply
address, the web reporter's IP address, the tracking code, the point (its area's name
is kept in `place`, so the prank map stays whole), the photos and media captions, the
replies sent to it and the PBX's raw call events. Callers none of whose contacts is
newer than the cut-off lose their number and name (the row stays: the caller counts
stay). Webhook deliveries processed before the cut-off lose their bodies.

What stays: channel, classification, every time (received, answered, classified,
ended), the incident it belongs to, who handled it: every statistic.

The event log is not rewritten (it is hash-chained evidence): what it holds of a
person is sealed with a key per contact (events/sealing.py), and the key is erased
here, so the log's copy can never be read again while every hash still holds.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from siaga.accounts.models import User
from siaga.areas.locate import locate_many, place_name
from siaga.events.log import append_event
from siaga.events.sealing import forget
from siaga.intake.models import (
    FORGOTTEN_PREFIX,
    Caller,
    Contact,
    Delivery,
    DeliveryStatus,
    Media,
    OutboundMessage,
    TelephonyEvent,
)

BATCH = 500
NULLABLE = {"source_address", "lat", "lon", "location_accuracy_m"}
PERSONAL = [
    "provider_id",
    "sender_raw",
    "text",
    "raw_payload",
    "note",
    "reply_to",
    "tracking_code",
    "source_address",
    "lat",
    "lon",
    "location_accuracy_m",
]


def retention_cutoff(now: datetime | None = None) -> datetime | None:
    """Contacts received before this lose their personal data; None: kept for ever."""
    days = settings.SIAGA_RETENTION_DAYS
    return (now or timezone.now()) - timedelta(days=days) if days > 0 else None


def anonymize_old_contacts(*, before: datetime, actor: User | None) -> int:
    """Blank every contact received before `before`, BATCH at a time (each batch its
    own transaction, so a long backlog never holds one lock for long), then the stale
    callers and deliveries. Returns the number of contacts blanked."""
    done = 0
    while True:
        batch = list(
            Contact.objects.filter(received_at__lt=before, anonymized_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not batch:
            break
        done += anonymize_contacts(batch, before=before, actor=actor)
    forget_callers(before=before, actor=actor)
    Delivery.objects.filter(
        received_at__lt=before, status=DeliveryStatus.PROCESSED
    ).exclude(body="").update(body="")
    return done


@transaction.atomic
def anonymize_contacts(ids: list[int], *, before: datetime, actor: User | None) -> int:
    """Blank these contacts' personal data and their channel traffic's."""
    contacts = list(
        Contact.objects.select_for_update().filter(
            pk__in=ids, anonymized_at__isnull=True
        )
    )
    points = locate_many(
        (c.lat, c.lon) for c in contacts if c.lat is not None and c.lon is not None
    )
    now = timezone.now()
    for contact in contacts:
        if contact.lat is not None and contact.lon is not None:
            contact.place = place_name(points.get((contact.lat, contact.lon)))
        for name in PERSONAL:
            setattr(contact, name, None if name in NULLABLE else "")
        contact.anonymized_at = now
    Contact.objects.bulk_update(contacts, [*PERSONAL, "place", "anonymized_at"])
    mine = [contact.pk for contact in contacts]
    Media.objects.filter(contact__in=mine).update(
        content=None, caption="", provider_ref=""
    )
    OutboundMessage.objects.filter(contact__in=mine).update(recipient="", text="")
    TelephonyEvent.objects.filter(contact__in=mine).update(payload="")
    forget(contact.personal_data_subject for contact in contacts)  # the log's copy
    if contacts:
        append_event(
            actor=actor,
            action="contacts.anonymized",
            target=contacts[0],
            after={
                "count": len(contacts),
                "received_before": before.isoformat(),
                "ids": [min(mine), max(mine)],
            },
        )
    return len(contacts)


@transaction.atomic
def forget_callers(*, before: datetime, actor: User | None) -> int:
    """Callers last heard from before the cut-off lose their number and name; their
    contacts stay linked, so the count of distinct callers does not change. A caller
    still calling keeps both, and its old contacts stay linked to it: the console's
    history of a frequent prankster must not vanish after N days."""
    theirs = Contact.objects.filter(caller=OuterRef("pk"))
    recent = theirs.filter(received_at__gte=before)
    stale = list(
        Caller.objects.filter(Exists(theirs))
        .exclude(identifier__startswith=FORGOTTEN_PREFIX)
        .exclude(Exists(recent))
        .values_list("pk", flat=True)
    )
    for pk in stale:
        Caller.objects.filter(pk=pk).update(
            identifier=f"{FORGOTTEN_PREFIX}{uuid.uuid4().hex}", display_name=""
        )
    if stale:
        append_event(
            actor=actor,
            action="callers.forgotten",
            target=Caller.objects.get(pk=stale[0]),
            after={"count": len(stale), "received_before": before.isoformat()},
        )
    return len(stale)
