"""The city agencies (OPD/SKPD) that receive dispatches."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyQuerySet(models.QuerySet["Agency"]):
    def active(self) -> AgencyQuerySet:
        return self.filter(is_active=True)


class Agency(models.Model):
    """An agency on the 112 team (Damkar, BPBD, Dinkes…) or a partner (PLN, PDAM)."""

    code = models.SlugField(_("kode"), max_length=32, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("nama singkat"), max_length=60)
    description = models.TextField(_("tugas"), blank=True)
    phone = models.CharField(_("telepon"), max_length=40, blank=True)
    is_partner = models.BooleanField(
        _("mitra di luar tim 112"),
        default=False,
        help_text=_("PLN, PDAM, rumah sakit…"),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    ack_deadline_minutes = models.PositiveSmallIntegerField(
        _("batas waktu konfirmasi (menit)"),
        null=True,
        blank=True,
        help_text=_("Kosong: pakai bawaan pusat (SIAGA_ACK_DEADLINE_MINUTES)."),
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")
        ordering = ["is_partner", "short_name"]

    def __str__(self) -> str:
        return self.short_name

    def ack_deadline_duration(self, priority: int) -> timedelta:
        """The agency's own deadline, else the centre's for this priority."""
        by_priority = settings.SIAGA_ACK_DEADLINE_BY_PRIORITY
        default = by_priority.get(priority, settings.SIAGA_ACK_DEADLINE_MINUTES)
        return timedelta(minutes=self.ack_deadline_minutes or default)
