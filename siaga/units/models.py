"""The units agencies answer with (ambulances, fire engines, rescue teams, patrol cars,
tree crews, tow trucks) and the posts they stand at."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from siaga.lib.geo import lat_lon_constraint


class UnitKind(models.TextChoices):
    AMBULANCE = "ambulance", _("Ambulans")
    FIRE_ENGINE = "fire_engine", _("Mobil pemadam")
    WATER_TANKER = "water_tanker", _("Mobil tangki air")
    RESCUE = "rescue", _("Tim penyelamat")
    WATER_RESCUE = "water_rescue", _("Perahu / tim SAR air")
    PATROL = "patrol", _("Mobil patroli")
    TREE_CREW = "tree_crew", _("Tim pohon")
    TOW_TRUCK = "tow_truck", _("Mobil derek")
    ROAD_CREW = "road_crew", _("Tim perbaikan jalan")


class UnitStatus(models.TextChoices):
    AVAILABLE = "available", _("Siaga")
    ASSIGNED = "assigned", _("Ditugaskan")
    EN_ROUTE = "en_route", _("Menuju lokasi")
    ON_SCENE = "on_scene", _("Di lokasi")
    TRANSPORTING = "transporting", _("Mengantar pasien")
    AT_HOSPITAL = "at_hospital", _("Di rumah sakit")
    OUT_OF_SERVICE = "out_of_service", _("Tidak beroperasi")


U = UnitStatus
# The one map of legal moves; back to AVAILABLE ends a unit's part in an incident.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    U.AVAILABLE: frozenset({U.ASSIGNED, U.OUT_OF_SERVICE}),
    U.ASSIGNED: frozenset({U.EN_ROUTE, U.AVAILABLE, U.OUT_OF_SERVICE}),
    U.EN_ROUTE: frozenset({U.ON_SCENE, U.AVAILABLE}),
    U.ON_SCENE: frozenset({U.TRANSPORTING, U.AVAILABLE}),
    U.TRANSPORTING: frozenset({U.AT_HOSPITAL, U.AVAILABLE}),
    U.AT_HOSPITAL: frozenset({U.AVAILABLE}),
    U.OUT_OF_SERVICE: frozenset({U.AVAILABLE}),
}
# What a crew says when it taps (the status it moves to), in the floor's words.
BUTTONS: dict[str, Promise] = {
    U.EN_ROUTE: _("Berangkat"),
    U.ON_SCENE: _("Tiba di lokasi"),
    U.TRANSPORTING: _("Bawa pasien"),
    U.AT_HOSPITAL: _("Tiba di RS / tujuan"),
    U.AVAILABLE: _("Selesai · siaga lagi"),
    U.OUT_OF_SERVICE: _("Tidak beroperasi"),
}


def next_statuses(unit: Unit) -> list[tuple[str, Promise]]:
    """The buttons a unit shows: its legal moves (assigning is the console's job)."""
    order = list(U.values)
    moves = sorted(ALLOWED_TRANSITIONS[unit.status] - {U.ASSIGNED}, key=order.index)
    return [(status, BUTTONS[status]) for status in moves]


COMMITTED = frozenset(
    {U.ASSIGNED, U.EN_ROUTE, U.ON_SCENE, U.TRANSPORTING, U.AT_HOSPITAL}
)


class Station(models.Model):
    """A post units stand at: a fire station, a PSC 119 base, a police post."""

    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="stations",
        verbose_name=_("OPD"),
    )
    name = models.CharField(_("nama"), max_length=160)
    lat = models.FloatField(_("lintang"))
    lon = models.FloatField(_("bujur"))
    is_approximate = models.BooleanField(_("lokasi perkiraan"), default=True)

    class Meta:
        verbose_name = _("pos")
        verbose_name_plural = _("pos")
        ordering = ["agency__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="one_station_name"),
            lat_lon_constraint("station_lat_lon"),
        ]

    def __str__(self) -> str:
        return self.name


class UnitQuerySet(models.QuerySet["Unit"]):
    def available(self) -> UnitQuerySet:
        return self.filter(status=UnitStatus.AVAILABLE, is_active=True)


class Unit(models.Model):
    """One vehicle or team with its call sign. `status` changes only by conditional
    updates, so a unit is never assigned twice at once."""

    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("OPD"),
    )
    station = models.ForeignKey(
        Station,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("pos"),
    )
    call_sign = models.CharField(_("tanda panggil"), max_length=40, unique=True)
    kind = models.CharField(_("jenis"), max_length=16, choices=UnitKind.choices)
    capabilities = models.CharField(
        _("kemampuan"), max_length=300, blank=True, help_text=_("Pisahkan dengan koma.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=UnitStatus.choices, default=U.AVAILABLE
    )
    status_since = models.DateTimeField(_("status sejak"), default=timezone.now)
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("insiden"),
    )
    lat = models.FloatField(_("lintang terakhir"), null=True, blank=True)
    lon = models.FloatField(_("bujur terakhir"), null=True, blank=True)
    position_at = models.DateTimeField(_("posisi pada"), null=True, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    # Bumped by every status change and position fix: the live maps read what moved.
    changed_at = models.DateTimeField(
        _("berubah pada"), default=timezone.now, db_index=True
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("unit")
        ordering = ["agency__code", "call_sign"]
        constraints = [lat_lon_constraint("unit_lat_lon")]

    def __str__(self) -> str:
        return self.call_sign

    def overdue_at(self) -> datetime | None:
        """When the unit has been too long in its status (`SIAGA_UNIT_OVERDUE_MINUTES`);
        None for a status with no limit."""
        minutes = settings.SIAGA_UNIT_OVERDUE_MINUTES.get(self.status)
        return self.status_since + timedelta(minutes=minutes) if minutes else None

    def is_overdue(self, now: datetime | None = None) -> bool:
        limit = self.overdue_at()
        return limit is not None and (now or timezone.now()) > limit

    def is_position_stale(self, now: datetime | None = None) -> bool:
        """No fix, or none within `SIAGA_AVL_STALE_SECONDS`: the map shows it greyed."""
        if self.position_at is None:
            return True
        age = (now or timezone.now()) - self.position_at
        return age.total_seconds() > settings.SIAGA_AVL_STALE_SECONDS


class UnitPosition(models.Model):
    """One position fix of a unit: kept compactly (a narrow table, pruned after
    `SIAGA_AVL_RETENTION_DAYS`), never in the event log."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="positions", verbose_name=_("unit")
    )
    at = models.DateTimeField(_("waktu fix"))
    lat = models.FloatField(_("lintang"))
    lon = models.FloatField(_("bujur"))
    accuracy_m = models.PositiveIntegerField(_("akurasi (m)"), null=True, blank=True)
    speed_kmh = models.FloatField(_("kecepatan (km/jam)"), null=True, blank=True)
    heading = models.PositiveSmallIntegerField(
        _("arah (derajat)"), null=True, blank=True
    )
    source = models.CharField(_("sumber"), max_length=16)

    class Meta:
        verbose_name = _("posisi unit")
        verbose_name_plural = _("posisi unit")
        indexes = [models.Index(fields=["unit", "at"], name="unit_position_idx")]
        constraints = [lat_lon_constraint("unit_position_lat_lon")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.at:%H:%M:%S}"


class RunCard(models.Model):
    """Which unit kinds a category needs (a fire: engines and a tanker; a fallen tree:
    a tree crew and a tow truck). Recommendations offer only these kinds."""

    category = models.OneToOneField(
        "incidents.Category",
        on_delete=models.CASCADE,
        related_name="run_card",
        verbose_name=_("kategori"),
    )
    unit_kinds = models.CharField(
        _("jenis unit"), max_length=300, help_text=_("Pisahkan dengan koma.")
    )

    class Meta:
        verbose_name = _("kartu penugasan")
        verbose_name_plural = _("kartu penugasan")

    def __str__(self) -> str:
        return f"{self.category}: {self.unit_kinds}"

    def kinds(self) -> frozenset[str]:
        return frozenset(k.strip() for k in self.unit_kinds.split(",") if k.strip())


# What the agency writes down about a trip (the times come from the unit's statuses).
TRIP_FIELDS = [
    "patient_name",
    "patient_age",
    "patient_condition",
    "is_deceased",
    "pickup",
    "destination",
    "destination_other",
    "eligibility_note",
    "is_eligible",
]


class AmbulanceTrip(models.Model):
    """A free-ambulance trip ("ambulans gratis"): who is picked up where, taken to
    which hospital, handed over to whom and when, and when the unit was free again.

    The times fill themselves from the unit's statuses (transporting: picked up; at
    hospital: arrived; available: returned); the crew records the handover."""

    incident = models.OneToOneField(
        "incidents.Incident",
        on_delete=models.PROTECT,
        related_name="ambulance_trip",
        verbose_name=_("insiden"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trips",
        verbose_name=_("unit"),
    )
    patient_name = models.CharField(_("nama pasien"), max_length=120, blank=True)
    patient_age = models.PositiveSmallIntegerField(
        _("umur pasien"), null=True, blank=True
    )
    patient_condition = models.CharField(
        _("kondisi pasien"), max_length=300, blank=True
    )
    is_deceased = models.BooleanField(_("jenazah"), default=False)
    pickup = models.CharField(_("alamat jemput"), max_length=300, blank=True)
    destination = models.ForeignKey(
        "areas.Landmark",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("RS tujuan"),
    )
    destination_other = models.CharField(
        _("tujuan lain"),
        max_length=200,
        blank=True,
        help_text=_("RS di luar daftar, atau rumah duka."),
    )
    eligibility_note = models.CharField(
        _("catatan kelayakan"),
        max_length=300,
        blank=True,
        help_text=_("Mis. KTP Kota Tangerang, surat rujukan, SKTM."),
    )
    is_eligible = models.BooleanField(_("layak"), null=True, blank=True)
    picked_up_at = models.DateTimeField(_("pasien dijemput"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("tiba di tujuan"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("serah terima"), null=True, blank=True)
    handed_over_to = models.CharField(_("diterima oleh"), max_length=120, blank=True)
    returned_at = models.DateTimeField(_("unit kembali siaga"), null=True, blank=True)

    class Meta:
        verbose_name = _("perjalanan ambulans gratis")
        verbose_name_plural = _("perjalanan ambulans gratis")

    def __str__(self) -> str:
        return f"{self.incident.number}: {self.destination_name}"

    @property
    def destination_name(self) -> str:
        return str(self.destination) if self.destination else self.destination_other
