"""The append-only event log: audit trail,
incident timeline, metric source and live feed."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a row of the event log."""


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the event log is append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("the event log is append-only")

    def for_incident(self, incident_id: int) -> EventQuerySet:
        return self.filter(incident_id=incident_id).order_by("id")


class Event(models.Model):
    """One thing that happened, written by an action in the same transaction as its
    change.

    `actor_name` is a snapshot so the record reads the same after a user is renamed;
    `before`/`after` hold the changed fields; `incident` ties the row to a timeline.
    Rows are never updated or deleted (guarded here and, on PostgreSQL, by a trigger).
    """

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("pelaku"),
    )
    actor_name = models.CharField(_("nama pelaku"), max_length=150)
    action = models.CharField(_("aksi"), max_length=64, db_index=True)
    target_type = models.CharField(_("jenis sasaran"), max_length=32)
    target_id = models.CharField(_("id sasaran"), max_length=64)
    target_label = models.CharField(_("sasaran"), max_length=100, blank=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("insiden"),
    )
    before = models.JSONField(_("sebelum"), null=True, blank=True)
    after = models.JSONField(_("sesudah"), null=True, blank=True)
    # The hash chain (siaga/events/chain.py): the previous event's hash, and this one's.
    prev_hash = models.CharField(max_length=64, default="", editable=False)
    hash = models.CharField(max_length=64, default="", editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("peristiwa")
        verbose_name_plural = _("peristiwa")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.action} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("the event log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the event log is append-only")


class SealingKey(models.Model):
    """The key that seals one person's data inside the event log (events/sealing.py).

    The log cannot be edited, so personal data in it is stored encrypted with a key per
    subject (a contact); retention deletes the key, and what the log says about that
    person can never be read again while every hash still holds."""

    subject = models.CharField(_("subjek"), max_length=64, unique=True)
    key = models.BinaryField(_("kunci"), editable=False)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta:
        verbose_name = _("kunci segel")
        verbose_name_plural = _("kunci segel")

    def __str__(self) -> str:
        return self.subject
