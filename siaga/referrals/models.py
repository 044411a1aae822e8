"""Referrals between 112 centres: an incident we hand to a neighbour, or one a
neighbour hands to us; by phone or electronically (EIDO)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Terkirim, menunggu konfirmasi")
    ACKNOWLEDGED = "acknowledged", _("Dikonfirmasi diterima")
    ACCEPTED = "accepted", _("Diterima untuk ditangani")
    DECLINED = "declined", _("Ditolak")
    TIMED_OUT = "timed_out", _("Tidak dikonfirmasi tepat waktu")
    CANCELLED = "cancelled", _("Dibatalkan")


R = ReferralStatus
# The one map of legal moves; an answer that comes after the deadline is still taken.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    R.SENT: frozenset(
        {R.ACKNOWLEDGED, R.ACCEPTED, R.DECLINED, R.TIMED_OUT, R.CANCELLED}
    ),
    R.ACKNOWLEDGED: frozenset({R.ACCEPTED, R.DECLINED, R.CANCELLED}),
    R.TIMED_OUT: frozenset({R.ACKNOWLEDGED, R.ACCEPTED, R.DECLINED, R.CANCELLED}),
    R.ACCEPTED: frozenset(),
    R.DECLINED: frozenset(),
    R.CANCELLED: frozenset(),
}
OPEN_STATUSES = frozenset({R.SENT, R.ACKNOWLEDGED, R.TIMED_OUT})


class Direction(models.TextChoices):
    OUT = "out", _("Kita rujuk keluar")
    IN = "in", _("Dirujuk masuk ke kita")


class Method(models.TextChoices):
    PHONE = "phone", _("Telepon")
    ELECTRONIC = "electronic", _("Elektronik (EIDO)")


class ReferralQuerySet(models.QuerySet["Referral"]):
    def open(self) -> ReferralQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self) -> ReferralQuerySet:
        """Sent, unanswered past the deadline, not yet escalated."""
        return self.filter(
            status=ReferralStatus.SENT,
            ack_deadline_at__lt=timezone.now(),
            escalated_at__isnull=True,
        )

    def to_deliver(self) -> ReferralQuerySet:
        """A request (ours) or an answer (to theirs) due for the partner's endpoint."""
        return self.filter(delivery_due_at__lte=timezone.now()).order_by(
            "delivery_due_at"
        )


class Referral(models.Model):
    """One referral. OUT: our incident, sent to `neighbour`. IN: a neighbour's request,
    arrived as a contact on the call floor, becoming our incident when accepted.

    `delivery_due_at` is set while something must still reach the partner's endpoint
    (our request, or our answer to theirs); the worker delivers it with backoff."""

    MAX_ATTEMPTS = 8

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    direction = models.CharField(_("arah"), max_length=8, choices=Direction.choices)
    method = models.CharField(_("cara"), max_length=16, choices=Method.choices)
    neighbour = models.ForeignKey(
        "areas.Area",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("wilayah tetangga"),
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("insiden"),
    )
    contact = models.ForeignKey(
        "intake.Contact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("kontak"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReferralStatus.choices, default=R.SENT
    )
    request_id = models.CharField(_("id permintaan"), max_length=200)
    remote_incident_id = models.CharField(
        _("id kejadian di pihak lain"), max_length=200, blank=True
    )
    phone_number = models.CharField(
        _("nomor yang ditelepon"), max_length=40, blank=True
    )
    answered_by = models.CharField(_("diterima oleh"), max_length=120, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    reason = models.TextField(_("alasan"), blank=True)
    sent_at = models.DateTimeField(_("dikirim"), default=timezone.now)
    ack_deadline_at = models.DateTimeField(_("batas konfirmasi"))
    acknowledged_at = models.DateTimeField(_("dikonfirmasi"), null=True, blank=True)
    answered_at = models.DateTimeField(_("dijawab"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("dieskalasi"), null=True, blank=True)
    delivery_due_at = models.DateTimeField(_("kirim elektronik"), null=True, blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(
        _("percobaan kirim"), default=0
    )
    delivery_error = models.TextField(_("galat kirim"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("rujukan")
        verbose_name_plural = _("rujukan")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["neighbour", "direction", "request_id"],
                name="one_referral_per_request",
            ),
            models.CheckConstraint(
                name="referral_has_its_subject",
                condition=Q(incident__isnull=False) | Q(contact__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "ack_deadline_at"], name="referral_due_idx")
        ]

    def __str__(self) -> str:
        direction, status = self.get_direction_display(), self.get_status_display()
        return f"{direction} {self.neighbour} {status}"


class ReferralPartner(models.Model):
    """A neighbouring centre that exchanges referrals electronically: where to send,
    the token it gave us, and the account its requests arrive under."""

    neighbour = models.OneToOneField(
        "areas.Area",
        on_delete=models.PROTECT,
        related_name="partner",
        verbose_name=_("wilayah tetangga"),
    )
    base_url = models.URLField(_("alamat server mitra"))
    outbound_token = models.CharField(
        _("token dari mitra (untuk kita kirim)"), max_length=200, blank=True
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referral_partner",
        verbose_name=_("akun mitra (permintaan masuk)"),
    )

    class Meta:
        verbose_name = _("mitra rujukan")
        verbose_name_plural = _("mitra rujukan")

    def __str__(self) -> str:
        return str(self.neighbour)
