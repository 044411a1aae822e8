"""Incidents: what happened, where, how urgent, and its state."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siaga.accounts.roles import Can
from siaga.lib.geo import lat_lon_constraint

if TYPE_CHECKING:
    from siaga.accounts.models import User


class Category(models.Model):
    """A kind of incident in the local taxonomy,
    with its default priority and routing."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=120)
    name_en = models.CharField(_("nama (Inggris)"), max_length=120, blank=True)
    description = models.CharField(_("keterangan"), max_length=300, blank=True)
    default_priority = models.PositiveSmallIntegerField(
        _("prioritas bawaan"), default=3
    )
    default_agencies = models.ManyToManyField(
        "agencies.Agency", blank=True, related_name="+", verbose_name=_("OPD bawaan")
    )
    eido_code = models.CharField(
        _("kode EIDO/APCO"),
        max_length=40,
        blank=True,
        help_text=_("mis. MEDICAL, FSTRU"),
    )
    shares_caller_number = models.BooleanField(
        _("nomor pelapor terlihat oleh OPD"),
        default=False,
        help_text=_(
            "Mis. ambulans yang perlu menelepon pelapor; selain itu disamarkan."
        ),
    )
    patient_transport = models.BooleanField(
        _("antar pasien (ambulans gratis)"),
        default=False,
        help_text=_(
            "Insidennya dicatat sebagai perjalanan: penjemputan, pasien, RS tujuan, "
            "serah terima, kembali."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=100)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("kategori")
        verbose_name_plural = _("kategori")
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                name="category_priority_1_to_5",
                condition=Q(default_priority__gte=1, default_priority__lte=5),
            )
        ]

    def __str__(self) -> str:
        return self.name


class IncidentStatus(models.TextChoices):
    NEW = "new", _("Baru")
    DISPATCHED = "dispatched", _("Diteruskan ke OPD")
    ACKNOWLEDGED = "acknowledged", _("Diterima OPD")
    EN_ROUTE = "en_route", _("Menuju lokasi")
    ON_SCENE = "on_scene", _("Di lokasi")
    RESOLVED = "resolved", _("Selesai ditangani")
    CLOSED = "closed", _("Ditutup")
    REFERRED = "referred", _("Dirujuk ke wilayah lain")
    CANCELLED = "cancelled", _("Dibatalkan")
    MERGED = "merged", _("Digabung")


S = IncidentStatus
# The one map of legal moves. Terminal states (closed, cancelled, merged) have no way
# out.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.DISPATCHED, S.RESOLVED, S.REFERRED, S.CANCELLED, S.MERGED}),
    # Back to NEW when every agency declined: the call floor must dispatch again.
    S.DISPATCHED: frozenset(
        {
            S.NEW,
            S.ACKNOWLEDGED,
            S.EN_ROUTE,
            S.ON_SCENE,
            S.RESOLVED,
            S.REFERRED,
            S.CANCELLED,
            S.MERGED,
        }
    ),
    S.ACKNOWLEDGED: frozenset(
        {S.NEW, S.EN_ROUTE, S.ON_SCENE, S.RESOLVED, S.REFERRED, S.CANCELLED, S.MERGED}
    ),
    S.EN_ROUTE: frozenset({S.ON_SCENE, S.RESOLVED, S.CANCELLED}),
    S.ON_SCENE: frozenset({S.RESOLVED}),
    S.RESOLVED: frozenset({S.CLOSED, S.DISPATCHED}),
    S.REFERRED: frozenset({S.NEW, S.CLOSED}),
    S.CLOSED: frozenset(),
    S.CANCELLED: frozenset(),
    S.MERGED: frozenset(),
}
OPEN_STATUSES = frozenset(
    {S.NEW, S.DISPATCHED, S.ACKNOWLEDGED, S.EN_ROUTE, S.ON_SCENE, S.REFERRED}
)


class Priority(models.IntegerChoices):
    CRITICAL = 1, _("1 · Kritis")
    HIGH = 2, _("2 · Tinggi")
    MEDIUM = 3, _("3 · Sedang")
    LOW = 4, _("4 · Rendah")
    MINIMAL = 5, _("5 · Informasi")


class IncidentQuerySet(models.QuerySet["Incident"]):
    def open(self) -> IncidentQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def for_display(self) -> IncidentQuerySet:
        """With what every list and page shows: category, places, dispatches."""
        return self.select_related(
            "category", "landmark", "kelurahan", "kecamatan", "jurisdiction"
        ).prefetch_related("dispatches__agency")

    def visible_to(self, user: User) -> IncidentQuerySet:
        """Everything for the call floor; an agency
        operator sees only its dispatches."""
        if not user.can(Can.VIEW_INCIDENTS):
            return self.none()
        if user.is_agency_operator:
            from siaga.dispatching.models import (
                Dispatch,
            )  # dispatching depends on incidents

            dispatched = Dispatch.objects.filter(agency=user.agency)
            return self.filter(pk__in=dispatched.values("incident_id"))
        return self


class Incident(models.Model):
    """Something that needs a response, opened from one or more contacts."""

    number = models.CharField(_("nomor"), max_length=40, unique=True, editable=False)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("kategori"),
    )
    priority = models.PositiveSmallIntegerField(
        _("prioritas"), choices=Priority.choices
    )
    status = models.CharField(
        _("status"), max_length=16, choices=IncidentStatus.choices, default=S.NEW
    )
    description = models.TextField(_("uraian"), blank=True)
    people_count = models.PositiveIntegerField(
        _("jumlah orang terlibat"), null=True, blank=True
    )
    lat = models.FloatField(_("lintang"), null=True, blank=True)
    lon = models.FloatField(_("bujur"), null=True, blank=True)
    uncertainty_m = models.PositiveIntegerField(
        _("ketidakpastian (m)"), null=True, blank=True
    )
    address = models.CharField(_("alamat / uraian lokasi"), max_length=300, blank=True)
    landmark = models.ForeignKey(
        "areas.Landmark",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kelurahan = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kecamatan = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    jurisdiction = models.ForeignKey(
        "areas.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_incidents",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("dibuka"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("diubah"), default=timezone.now)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)

    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("insiden")
        verbose_name_plural = _("insiden")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["status", "opened_at"]),
            # Possible duplicates: a box around a point (incidents/duplicates.py).
            models.Index(fields=["lat", "lon"], name="incident_lat_lon"),
        ]
        constraints = [
            models.CheckConstraint(
                name="incident_priority_1_to_5",
                condition=Q(priority__gte=1, priority__lte=5),
            ),
            lat_lon_constraint("incident_lat_lon_together"),
        ]

    def __str__(self) -> str:
        return self.number

    def can_move_to(self, status: str) -> bool:
        return status in ALLOWED_TRANSITIONS[self.status]

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lon is not None


class IncidentCounter(models.Model):
    """Per-day, per-server counter behind human incident numbers.

    Server k of n hands out k, k+n, k+2n… so two servers that both write (the pair
    during a split, or two embedded instances) can never produce the same number.
    """

    day = models.DateField()
    node = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "node"], name="one_counter_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} node {self.node}: {self.last}"


class PaperBlock(models.Model):
    """Incident numbers set aside for the paper forms the floor fills in when no server
    answers. They come from the day's own counter, so the paper numbers continue the
    system's (the next number the system hands out follows the block), and an incident
    entered from a form later keeps the number printed on it."""

    day = models.DateField(_("hari"))
    node = models.PositiveSmallIntegerField()
    first_sequence = models.PositiveIntegerField()
    step = models.PositiveSmallIntegerField(default=1)
    count = models.PositiveSmallIntegerField()
    reserved_at = models.DateTimeField(_("disisihkan"))
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("blok nomor formulir kertas")
        verbose_name_plural = _("blok nomor formulir kertas")

    def __str__(self) -> str:
        numbers = self.numbers()
        return f"{numbers[0]} … {numbers[-1]}" if numbers else str(self.day)

    def sequences(self) -> list[int]:
        return [self.first_sequence + i * self.step for i in range(self.count)]

    def numbers(self) -> list[str]:
        return [incident_number(self.day, s) for s in self.sequences()]


def incident_number(day: date, sequence: int) -> str:
    """`TNG-20261204-0042`: city code, WIB date, sequence of the day."""
    return f"{settings.SIAGA_CITY_CODE}-{day:%Y%m%d}-{sequence:04d}"
