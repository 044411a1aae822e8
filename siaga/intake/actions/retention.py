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


def anonymize_old_contacts(
    *, before: datetime, actor: User | None, batches: int | None = None
) -> int:
    """Blank every contact received before `before`, BATCH at a time (each batch its
    own transaction, so a long backlog never holds one lock for long), then the stale
    callers and webhook bodies. `batches` bounds one call (the worker's pass must not
    stall intake behind a backlog); returns the number of contacts blanked, so a call
    that blanked batches × BATCH may have left more."""
    done = 0
    while batches is None or done < batches * BATCH:
        batch = list(
            Contact.objects.filter(received_at__lt=before, anonymized_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        if not batch:
            break
        done += anonymize_contacts(batch, before=before, actor=actor)
    if batches is None or done < batches * BATCH:
        forget_callers(before=before, actor=actor)
        blank_deliveries(before=before)
    return done


def blank_deliveries(*, before: datetime) -> None:
    """Webhook bodies older than the cut-off, once handled (processed, or failed and
    given up on), BATCH at a time; one still waiting to be read is kept."""
    handled = Delivery.objects.filter(
        received_at__lt=before,
        status__in=[DeliveryStatus.PROCESSED, DeliveryStatus.FAILED],
    ).exclude(body="")
    while ids := list(handled.values_list("pk", flat=True)[:BATCH]):
        Delivery.objects.filter(pk__in=ids).update(body="")


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
    return sum(forget_caller(pk, before=before, actor=actor) for pk in stale)


@transaction.atomic
def forget_caller(pk: int, *, before: datetime, actor: User | None) -> int:
    """One caller, checked again under its row lock: someone calling right now (a new
    contact committing, which locks the caller it refers to) keeps their number."""
    caller = Caller.objects.select_for_update().filter(pk=pk).first()
    if (
        caller is None
        or caller.is_forgotten
        or Contact.objects.filter(caller=caller, received_at__gte=before).exists()
    ):
        return 0
    caller.identifier = f"{FORGOTTEN_PREFIX}{uuid.uuid4().hex}"
    caller.display_name = ""
    caller.save(update_fields=["identifier", "display_name"])
    append_event(
        actor=actor,
        action="caller.forgotten",
        target=caller,
        after={"received_before": before.isoformat()},
    )
    return 1
