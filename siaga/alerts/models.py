"""Public warnings in OASIS CAP 1.2: what was announced, to whom, where, until when.

An alert, once sent, never changes: an Update or a Cancel is a new row that points at
the message it replaces (`previous`) and names the whole chain in CAP `references`.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siaga.accounts.roles import Can

# Who may issue, update and cancel alerts: supervisors and admins (roles.py).
ISSUE_ALERTS = Can.ISSUE_ALERTS
# Languages of the two <info> blocks: Bahasa Indonesia always, English when written.
LANGUAGE = "id-ID"
LANGUAGE_EN = "en-US"


class AlertStatus(models.TextChoices):
    ACTUAL = "Actual", _("Sungguhan")
    EXERCISE = "Exercise", _("Latihan")
    SYSTEM = "System", _("Sistem")
    TEST = "Test", _("Uji teknis")
    DRAFT = "Draft", _("Draf")


class MsgType(models.TextChoices):
    ALERT = "Alert", _("Peringatan baru")
    UPDATE = "Update", _("Pembaruan")
    CANCEL = "Cancel", _("Pembatalan")


class Scope(models.TextChoices):
    PUBLIC = "Public", _("Umum")


class AlertCategory(models.TextChoices):
    MET = "Met", _("Cuaca")
    GEO = "Geo", _("Geofisika (gempa, longsor)")
    SAFETY = "Safety", _("Keselamatan umum")
    SECURITY = "Security", _("Keamanan")
    RESCUE = "Rescue", _("Penyelamatan")
    FIRE = "Fire", _("Kebakaran")
    HEALTH = "Health", _("Kesehatan")
    ENV = "Env", _("Lingkungan")
    TRANSPORT = "Transport", _("Transportasi")
    INFRA = "Infra", _("Infrastruktur")
    CBRNE = "CBRNE", _("Bahan berbahaya (KBRN)")
    OTHER = "Other", _("Lainnya")


class ResponseType(models.TextChoices):
    SHELTER = "Shelter", _("Berlindung di tempat")
    EVACUATE = "Evacuate", _("Mengungsi")
    PREPARE = "Prepare", _("Bersiap")
    EXECUTE = "Execute", _("Jalankan rencana")
    AVOID = "Avoid", _("Hindari")
    MONITOR = "Monitor", _("Pantau informasi")
    ASSESS = "Assess", _("Nilai keadaan")
    ALL_CLEAR = "AllClear", _("Sudah aman")
    NONE = "None", _("Tidak perlu tindakan")


class Urgency(models.TextChoices):
    IMMEDIATE = "Immediate", _("Segera")
    EXPECTED = "Expected", _("Dalam waktu dekat (±1 jam)")
    FUTURE = "Future", _("Nanti")
    PAST = "Past", _("Sudah lewat")
    UNKNOWN = "Unknown", _("Tidak diketahui")


class Severity(models.TextChoices):
    EXTREME = "Extreme", _("Ekstrem")
    SEVERE = "Severe", _("Berat")
    MODERATE = "Moderate", _("Sedang")
    MINOR = "Minor", _("Ringan")
    UNKNOWN = "Unknown", _("Tidak diketahui")


class Certainty(models.TextChoices):
    OBSERVED = "Observed", _("Teramati")
    LIKELY = "Likely", _("Kemungkinan besar")
    POSSIBLE = "Possible", _("Mungkin")
    UNLIKELY = "Unlikely", _("Kecil kemungkinan")
    UNKNOWN = "Unknown", _("Tidak diketahui")


class AlertQuerySet(models.QuerySet["Alert"]):
    def published(self) -> AlertQuerySet:
        """What the public may read: everything but drafts."""
        return self.exclude(status=AlertStatus.DRAFT)

    def current(self, at: datetime | None = None) -> AlertQuerySet:
        """Actual alerts in force: the latest of their chain, not cancelled, not
        expired. Exercises and tests never reach the public feed."""
        return self.filter(
            status=AlertStatus.ACTUAL,
            msg_type__in=[MsgType.ALERT, MsgType.UPDATE],
            successor__isnull=True,
            expires_at__gt=at or timezone.now(),
        )

    def for_display(self) -> AlertQuerySet:
        return self.select_related("previous", "successor").prefetch_related("areas")


class Alert(models.Model):
    """One CAP message (Alert, Update or Cancel) with its Indonesian information and,
    when written, its English translation. Never edited after it is sent."""

    identifier = models.CharField(_("pengenal"), max_length=64, unique=True)
    sender = models.CharField(_("pengirim"), max_length=120)
    sent_at = models.DateTimeField(_("dikirim"))
    status = models.CharField(_("status"), max_length=16, choices=AlertStatus.choices)
    msg_type = models.CharField(
        _("jenis pesan"), max_length=16, choices=MsgType.choices
    )
    scope = models.CharField(
        _("cakupan"), max_length=16, choices=Scope.choices, default=Scope.PUBLIC
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successor",
        verbose_name=_("menggantikan"),
    )
    references = models.TextField(
        _("rujukan CAP"), blank=True, help_text=_("pengirim,pengenal,waktu kirim")
    )
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    category = models.CharField(
        _("kategori"), max_length=16, choices=AlertCategory.choices
    )
    event = models.CharField(_("jenis kejadian"), max_length=100)
    response_type = models.CharField(
        _("tindakan yang dianjurkan"),
        max_length=16,
        choices=ResponseType.choices,
        blank=True,
    )
    urgency = models.CharField(_("urgensi"), max_length=16, choices=Urgency.choices)
    severity = models.CharField(
        _("tingkat keparahan"), max_length=16, choices=Severity.choices
    )
    certainty = models.CharField(
        _("kepastian"), max_length=16, choices=Certainty.choices
    )
    headline = models.CharField(_("judul"), max_length=160)
    description = models.TextField(_("uraian"), blank=True)
    instruction = models.TextField(_("petunjuk"), blank=True)
    event_en = models.CharField(
        _("jenis kejadian (Inggris)"), max_length=100, blank=True
    )
    headline_en = models.CharField(_("judul (Inggris)"), max_length=160, blank=True)
    description_en = models.TextField(_("uraian (Inggris)"), blank=True)
    instruction_en = models.TextField(_("petunjuk (Inggris)"), blank=True)
    effective_at = models.DateTimeField(_("berlaku mulai"))
    onset_at = models.DateTimeField(_("perkiraan mulai"), null=True, blank=True)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    web = models.URLField(_("tautan informasi"), max_length=300, blank=True)
    contact = models.CharField(_("narahubung"), max_length=300, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diterbitkan oleh"),
    )

    objects = AlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("peringatan")
        verbose_name_plural = _("peringatan")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="alert_expires_after_effective",
                condition=models.Q(expires_at__gt=models.F("effective_at")),
            ),
            models.CheckConstraint(
                name="alert_update_or_cancel_has_previous",
                condition=models.Q(msg_type="Alert", previous__isnull=True)
                | (~models.Q(msg_type="Alert") & models.Q(previous__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return self.identifier

    def is_current(self, at: datetime | None = None) -> bool:
        return (
            self.status == AlertStatus.ACTUAL
            and self.msg_type != MsgType.CANCEL
            and not hasattr(self, "successor")
            and self.expires_at > (at or timezone.now())
        )

    @property
    def has_english(self) -> bool:
        return bool(self.headline_en)


class AlertArea(models.Model):
    """One CAP <area> of an alert, its shapes copied when the alert is sent so that a
    later boundary import never changes what was announced."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="areas")
    area = models.ForeignKey(
        "areas.Area",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("wilayah"),
    )
    description = models.CharField(_("nama wilayah"), max_length=200)
    code = models.CharField(_("kode Kemendagri"), max_length=32, blank=True)
    # CAP strings: "lat,lon lat,lon …" (closed rings) and "lat,lon radius_km".
    polygons = models.JSONField(_("poligon"), default=list, blank=True)
    circles = models.JSONField(_("lingkaran"), default=list, blank=True)

    class Meta:
        verbose_name = _("wilayah peringatan")
        verbose_name_plural = _("wilayah peringatan")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.description


class AlertCounter(models.Model):
    """The last alert number given per WIB day and server (as for incident numbers)."""

    day = models.DateField()
    node = models.PositiveSmallIntegerField(default=1)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "node"], name="alert_counter_day_node"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} #{self.node}: {self.last}"
