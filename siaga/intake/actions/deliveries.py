"""Raw provider deliveries: stored verbatim before the 2xx, made into contacts by the
worker. A delivery is bookkeeping of what arrived, not a domain change, so these two
functions write no event of their own; the contacts they make log `contact.recorded`.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from siaga.intake.models import Delivery, DeliveryStatus
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
    4. A parser error rolls all of that back and counts an attempt; after
       `Delivery.MAX_ATTEMPTS` the delivery is marked failed (kept, shown to the room).
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


def _count_failed_attempt(delivery_id: int, error: str) -> None:
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        delivery.attempts += 1
        delivery.error = error[:2000]
        if delivery.attempts >= Delivery.MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        delivery.save(update_fields=["attempts", "error", "status"])
