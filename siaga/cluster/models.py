"""A change of primary: a failover after a failure, or a drill a supervisor planned."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SwitchoverKind(models.TextChoices):
    FAILOVER = "failover", _("Alih server (gangguan)")
    DRILL = "drill", _("Latihan alih server")


class SwitchoverOutcome(models.TextChoices):
    PLANNED = "planned", _("Dijadwalkan")
    DONE = "done", _("Berhasil")
    FAILED = "failed", _("Gagal")
    CANCELLED = "cancelled", _("Dibatalkan")


class Switchover(models.Model):
    kind = models.CharField(_("jenis"), max_length=16, choices=SwitchoverKind.choices)
    outcome = models.CharField(
        _("hasil"),
        max_length=16,
        choices=SwitchoverOutcome.choices,
        default=SwitchoverOutcome.PLANNED,
    )
    scheduled_for = models.DateTimeField(_("dijadwalkan"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    old_primary = models.CharField(_("server utama lama"), max_length=200, blank=True)
    new_primary = models.CharField(_("server utama baru"), max_length=200, blank=True)
    # From the first step (fencing) to the first write committed on the new primary.
    seconds = models.FloatField(_("lama alih (detik)"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("alih server")
        verbose_name_plural = _("alih server")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
