"""Raw provider deliveries: stored verbatim before the 2xx, made into contacts by the
worker. A delivery is bookkeeping of what arrived, not a domain change, so accepting and
processing one write no event of their own; the contacts they make log
`contact.recorded`. Media fetched later for a contact do log theirs.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from siaga.events.log import append_event
from siaga.intake.actions.outbox import retry_delay
from siaga.intake.models import Delivery, DeliveryStatus, Media, MediaStatus
from siaga.lib.wake import nudge_worker

log = logging.getLogger("siaga.intake")


@transaction.atomic
def accept_delivery(*, channel: str, body: str) -> Delivery:
    """Keep a verified webhook body; the provider gets its 2xx only after this commits,
    and the worker is woken as soon as it does."""
    delivery = Delivery.objects.create(channel=channel, body=body)
    transaction.on_commit(nudge_worker)
    return delivery


def process_delivery(delivery_id: int) -> int:
    """Make the contacts of one delivery; returns how many were new.

    1. Claim the delivery row (a second worker waits, then finds it processed).
    2. Run its channel's parser; contacts are recorded idempotently by provider id.
    3. Mark it processed in the same transaction, so a crash before commit leaves it
       `received` for the next pass and loses nothing.
    4. A parser error rolls all of that back and counts an attempt, retried with
       backoff; after `Delivery.MAX_ATTEMPTS` the delivery is marked failed (kept,
       shown to the room, re-queued from the admin).
    """
    from siaga.intake.channels import processor_for

    try:
        with transaction.atomic():
            delivery = (
                Delivery.objects.select_for_update(skip_locked=True)
                .filter(pk=delivery_id, status=DeliveryStatus.RECEIVED)
                .first()
            )
            if delivery is None:
                return 0
            created = processor_for(delivery.channel)(delivery.body)
            Delivery.objects.filter(pk=delivery_id).update(
                status=DeliveryStatus.PROCESSED,
                processed_at=timezone.now(),
                contact_count=created,
                attempts=F("attempts") + 1,
            )
            return created
    except Exception as error:  # a poison payload must never stop the queue
        log.exception("delivery %s could not be processed", delivery_id)
        _count_failed_attempt(delivery_id, f"{type(error).__name__}: {error}")
        return 0


@transaction.atomic
def requeue_delivery(delivery: Delivery) -> bool:
    """Try a failed delivery again (after a fix): bookkeeping, like processing it."""
    return bool(
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.RECEIVED, attempts=0, next_attempt_at=timezone.now()
        )
    )


def _count_failed_attempt(delivery_id: int, error: str) -> None:
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        delivery.attempts += 1
        delivery.error = error[:2000]
        delivery.next_attempt_at = timezone.now() + retry_delay(delivery.attempts)
        if delivery.attempts >= Delivery.MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        delivery.save(update_fields=["attempts", "error", "status", "next_attempt_at"])


@transaction.atomic
def record_media_result(
    media: Media,
    *,
    content: bytes | None = None,
    mime_type: str = "",
    error: str = "",
    permanent: bool = False,
) -> Media:
    """What the worker fetched for a media reference: the bytes, or why not (retried
    with backoff, then marked failed; the contact itself is never affected)."""
    media = Media.objects.select_for_update().select_related("contact").get(pk=media.pk)
    if media.status != MediaStatus.WAITING:
        return media
    media.attempts += 1
    if content is not None:
        media.status, media.content, media.size_bytes = (
            MediaStatus.STORED,
            content,
            len(content),
        )
        media.mime_type, media.error = (mime_type or media.mime_type)[:100], ""
    elif permanent or media.attempts >= Media.MAX_ATTEMPTS:
        media.status, media.error = MediaStatus.FAILED, error[:2000]
    else:
        media.error = error[:2000]
        media.next_attempt_at = timezone.now() + retry_delay(media.attempts)
    media.save()
    if media.status != MediaStatus.WAITING:
        append_event(
            actor=None,
            action=f"media.{media.status}",
            target=media.contact,
            after={"kind": media.kind, "error": media.error[:500]},
            incident=media.contact.incident,
        )
    return media
