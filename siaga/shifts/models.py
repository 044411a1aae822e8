"""Shifts: the pattern each role works (3 × 8 h, 2 × 12 h), the rota of duties, who
checked in, and the handover between an outgoing and an incoming operator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siaga.accounts.roles import Role
from siaga.lib.fields import WIB


@dataclass(frozen=True)
class Slot:
    """One shift of a pattern on one day: "Malam, 4 Dec 23:00 – 5 Dec 07:00"."""

    index: int
    name: str
    starts_at: datetime
    ends_at: datetime


class ShiftPattern(models.Model):
    """How one role's day is cut into shifts, by their WIB start times."""

    role = models.CharField(
        _("peran"), max_length=32, choices=Role.choices, unique=True
    )
    starts = models.CharField(
        _("jam mulai"), max_length=100, help_text=_("Mis. 07:00,15:00,23:00")
    )
    names = models.CharField(
        _("nama giliran"), max_length=200, help_text=_("Mis. Pagi,Sore,Malam")
    )

    class Meta:
        verbose_name = _("pola giliran")
        verbose_name_plural = _("pola giliran")

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.starts}"

    def start_times(self) -> list[time]:
        return [time.fromisoformat(t.strip()) for t in self.starts.split(",")]

    def slot(self, day: date, index: int) -> Slot:
        """Shift `index` starting on `day`; it ends where the next one starts."""
        starts, names = self.start_times(), self.names.split(",")
        begin = datetime.combine(day, starts[index], tzinfo=WIB)
        following = starts[(index + 1) % len(starts)]
        end_day = day if index + 1 < len(starts) else day + timedelta(days=1)
        end = datetime.combine(end_day, following, tzinfo=WIB)
        name = names[index].strip() if index < len(names) else str(index + 1)
        return Slot(index, name, begin, end)

    def slot_at(self, moment: datetime) -> Slot:
        """The shift running at `moment` (it may have started the day before)."""
        local = moment.astimezone(WIB)
        for day in (local.date(), local.date() - timedelta(days=1)):
            for index in range(len(self.start_times())):
                slot = self.slot(day, index)
                if slot.starts_at <= local < slot.ends_at:
                    return slot
        raise ValueError(f"{self} has no shift at {moment}")


class DutyQuerySet(models.QuerySet["Duty"]):
    def on_duty(self) -> DutyQuerySet:
        """Checked in and not yet out: who is on the floor now."""
        return self.filter(checked_in_at__isnull=False, checked_out_at__isnull=True)


class Duty(models.Model):
    """One person on one shift: planned on the rota, or made by an unplanned
    check-in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="duties",
        verbose_name=_("petugas"),
    )
    name = models.CharField(_("giliran"), max_length=40)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    checked_in_at = models.DateTimeField(_("masuk"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("keluar"), null=True, blank=True)

    objects = DutyQuerySet.as_manager()

    class Meta:
        verbose_name = _("tugas jaga")
        verbose_name_plural = _("tugas jaga")
        ordering = ["starts_at", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "starts_at"], name="one_duty_per_person_per_shift"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="duty_ends_after"
            ),
        ]

    def __str__(self) -> str:
        starts = timezone.localtime(self.starts_at)
        return f"{self.user} · {self.name} {starts:%d/%m %H:%M}"


class Handover(models.Model):
    """What an outgoing operator leaves to the next: the open items at that moment (from
    live data), their notes, and the incoming operator's confirmation."""

    outgoing = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("petugas keluar"),
    )
    incoming = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("petugas masuk"),
    )
    created_at = models.DateTimeField(_("diserahkan"), default=timezone.now)
    items = models.JSONField(_("hal terbuka"), default=dict)
    notes = models.TextField(_("catatan"), blank=True)
    confirmed_at = models.DateTimeField(_("dikonfirmasi"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dikonfirmasi oleh"),
    )

    class Meta:
        verbose_name = _("serah terima giliran")
        verbose_name_plural = _("serah terima giliran")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.outgoing} → {self.incoming or '…'} {self.created_at:%d/%m %H:%M}"
