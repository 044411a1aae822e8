"""Claiming a due row for one worker: push its due time past a lease with a conditional
update on the value read. A second worker's update then matches nothing, so a message,
a download or a referral is never sent twice by two workers at once."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone

LEASE = timedelta(minutes=2)


def claim(row: models.Model, due_field: str) -> bool:
    """True if this worker now holds `row` (its `due_field` moved past the lease)."""
    return bool(
        type(row)
        ._default_manager.filter(pk=row.pk, **{due_field: getattr(row, due_field)})
        .update(**{due_field: timezone.now() + LEASE})
    )
