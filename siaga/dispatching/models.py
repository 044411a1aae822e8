"""Dispatches: an incident handed to one agency, which must answer for it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DispatchStatus(models.TextChoices):
    SENT = "sent", _("Terkirim")
    ACKNOWLEDGED = "acknowledged", _("Dikonfirmasi")
    ACCEPTED = "accepted", _("Diterima")
    DECLINED = "declined", _("Ditolak")
    EN_ROUTE = "en_route", _("Menuju lokasi")
    ON_SCENE = "on_scene", _("Di lokasi")
    HANDLED = "handled", _("Selesai")
    CANCELLED = "cancelled", _("Dibatalkan")


D = DispatchStatus
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    D.SENT: frozenset({D.ACKNOWLEDGED, D.ACCEPTED, D.DECLINED, D.CANCELLED}),
    D.ACKNOWLEDGED: frozenset({D.ACCEPTED, D.DECLINED, D.CANCELLED}),
    D.ACCEPTED: frozenset({D.EN_ROUTE, D.ON_SCENE, D.HANDLED, D.CANCELLED}),
    D.EN_ROUTE: frozenset({D.ON_SCENE, D.HANDLED, D.CANCELLED}),
    D.ON_SCENE: frozenset({D.HANDLED}),
    D.HANDLED: frozenset(),
    D.DECLINED: frozenset(),
    D.CANCELLED: frozenset(),
}
ENDED_STATUSES = frozenset({D.HANDLED, D.DECLINED, D.CANCELLED})


class DispatchQuerySet(models.QuerySet["Dispatch"]):
    def live(self) -> DispatchQuerySet:
        """Not yet handled, declined or cancelled: the agency still answers for it."""
        return self.exclude(status__in=ENDED_STATUSES)

    def awaiting_acknowledgement(self) -> DispatchQuerySet:
        return self.filter(status=D.SENT)

    def overdue(self) -> DispatchQuerySet:
        """Sent, past the deadline, and not yet escalated."""
        return self.awaiting_acknowledgement().filter(
            ack_deadline_at__lt=timezone.now(), escalated_at__isnull=True
        )


class Dispatch(models.Model):
    """An incident handed to an agency: sent,
    acknowledged within a deadline, then worked."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.PROTECT, related_name="dispatches"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="dispatches"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=DispatchStatus.choices, default=D.SENT
    )
    sent_at = models.DateTimeField(_("dikirim"), default=timezone.now)
    ack_deadline_at = models.DateTimeField(_("batas konfirmasi"))
    acknowledged_at = models.DateTimeField(_("dikonfirmasi"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("dieskalasi"), null=True, blank=True)
    ended_at = models.DateTimeField(_("berakhir"), null=True, blank=True)
    reason = models.CharField(_("alasan"), max_length=300, blank=True)

    objects = DispatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("penugasan OPD")
        verbose_name_plural = _("penugasan OPD")
        ordering = ["sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "agency"],
                condition=~Q(status__in=[D.DECLINED, D.CANCELLED]),
                name="one_live_dispatch_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident} → {self.agency}"

    def can_move_to(self, status: str) -> bool:
        return status in ALLOWED_TRANSITIONS[self.status]
