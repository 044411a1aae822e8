"""Operational telemetry kept beside the domain (never in the event log)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerBeat(models.Model):
    """A worker's last pass: /metrics shows how long ago each worker was alive."""

    name = models.CharField(_("pekerja"), max_length=100, primary_key=True)
    beat_at = models.DateTimeField(_("terakhir hidup"))
    passes = models.BigIntegerField(_("putaran"), default=0)

    class Meta:
        verbose_name = _("detak pekerja")
        verbose_name_plural = _("detak pekerja")

    def __str__(self) -> str:
        return self.name
