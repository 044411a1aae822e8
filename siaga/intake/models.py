"""Everything that reaches the centre: callers and their contacts on every channel."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from siaga.lib.geo import lat_lon_constraint
from siaga.lib.phone import national_format


class Channel(models.TextChoices):
    CALL = "call", _("Telepon")
    SMS = "sms", _("SMS")
    AML = "aml", _("AML (lokasi ponsel)")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")
    X = "x", _("X (Twitter)")
    MESSENGER = "messenger", _("Messenger")
    INSTAGRAM = "instagram", _("Instagram")
    APP = "app", _("Aplikasi kota")
    WEB = "web", _("Web")
    EMAIL = "email", _("Surel")
    REFERRAL = "referral", _("Rujukan wilayah lain")


class Classification(models.TextChoices):
    UNCLASSIFIED = "unclassified", _("Belum diklasifikasi")
    EMERGENCY = "emergency", _("Darurat")
    NON_EMERGENCY = "non_emergency", _("Bukan darurat (diteruskan ke kanal aduan)")
    INFORMATION = "information", _("Permintaan informasi")
    PRANK = "prank", _("Iseng / prank")
    SILENT = "silent", _("Diam / tanpa suara")
    WRONG_NUMBER = "wrong_number", _("Salah sambung")
    DUPLICATE = "duplicate", _("Laporan ganda")
    TEST = "test", _("Uji coba")


# Classifications that count against a caller's nuisance score. Silent calls do not: a
# silent
# caller may be unable to speak.
NUISANCE_CLASSIFICATIONS = frozenset({Classification.PRANK})


class CallState(models.TextChoices):
    """Where a phone call stands, as the PBX reports it."""

    RINGING = "ringing", _("Berdering")
    ANSWERED = "answered", _("Dijawab")
    ENDED = "ended", _("Selesai")
    ABANDONED = "abandoned", _("Ditutup sebelum dijawab")


# The order a call's state may only move forward in; a late event never moves it back.
CALL_STATE_RANK = {
    CallState.RINGING: 0,
    CallState.ANSWERED: 1,
    CallState.ENDED: 2,
    CallState.ABANDONED: 2,
}


class CallerKind(models.TextChoices):
    PHONE = "phone", _("Nomor telepon")
    HANDLE = "handle", _("Akun media sosial / aplikasi")
    WITHHELD = "withheld", _("Nomor disembunyikan")


class CallerQuerySet(models.QuerySet["Caller"]):
    def with_history(self) -> CallerQuerySet:
        return self.annotate(
            contact_count=Count("contacts"),
            prank_count=Count(
                "contacts",
                filter=Q(contacts__classification__in=NUISANCE_CLASSIFICATIONS),
            ),
        )


FORGOTTEN_PREFIX = "anon-"


class Caller(models.Model):
    """A phone number (E.164) or a channel handle, with its history. Never blocked
    outright:
    graded nuisance handling keeps a real emergency from a frequent prankster
    reachable."""

    identifier = models.CharField(_("identitas"), max_length=120, unique=True)
    kind = models.CharField(_("jenis"), max_length=16, choices=CallerKind.choices)
    display_name = models.CharField(_("nama"), max_length=120, blank=True)
    first_seen_at = models.DateTimeField(_("pertama kali"), default=timezone.now)

    objects = CallerQuerySet.as_manager()

    class Meta:
        verbose_name = _("pelapor")
        verbose_name_plural = _("pelapor")

    def __str__(self) -> str:
        if self.display_name:
            return self.display_name
        if self.is_forgotten:
            return str(_("(dianonimkan)"))
        if self.kind == CallerKind.PHONE:
            return national_format(self.identifier)
        return self.identifier

    @property
    def is_forgotten(self) -> bool:
        """Its number and name were blanked by retention (intake/actions/retention)."""
        return self.identifier.startswith(FORGOTTEN_PREFIX)


class ContactQuerySet(models.QuerySet["Contact"]):
    def calls_in_progress(self) -> ContactQuerySet:
        """The call floor's queue: calls ringing or answered, not yet classified."""
        return self.filter(
            channel=Channel.CALL,
            call_state__in=[CallState.RINGING, CallState.ANSWERED],
        ).order_by("received_at")

    def unclassified(self) -> ContactQuerySet:
        return self.filter(classification=Classification.UNCLASSIFIED)

    def owed_callback(self) -> ContactQuerySet:
        """Silent calls, and dropped calls nobody has classified otherwise, from a known
        number and not yet called back: never a dead end."""
        silent = Q(classification=Classification.SILENT)
        dropped = Q(call_state=CallState.ABANDONED) & Q(
            classification__in=[Classification.UNCLASSIFIED, Classification.SILENT]
        )
        return self.filter(silent | dropped).filter(
            callback_done_at__isnull=True, caller__isnull=False
        )


class Contact(models.Model):
    """One inbound interaction on any channel. Every call is recorded, incident or not.

    `raw_payload` is kept verbatim; (`channel`, `provider_id`) makes a retried delivery
    idempotent; location carries its source and accuracy, since handsets, apps and
    social-media pins differ in trust.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("kanal"), max_length=16, choices=Channel.choices)
    provider_id = models.CharField(_("id penyedia"), max_length=200, blank=True)
    caller = models.ForeignKey(
        Caller,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("pelapor"),
    )
    sender_raw = models.CharField(_("pengirim (asli)"), max_length=200, blank=True)
    text = models.TextField(_("isi"), blank=True)
    raw_payload = models.TextField(_("muatan asli"), blank=True)
    classification = models.CharField(
        _("klasifikasi"),
        max_length=16,
        choices=Classification.choices,
        default=Classification.UNCLASSIFIED,
    )
    lat = models.FloatField(_("lintang"), null=True, blank=True)
    lon = models.FloatField(_("bujur"), null=True, blank=True)
    location_accuracy_m = models.PositiveIntegerField(
        _("akurasi (m)"), null=True, blank=True
    )
    location_source = models.CharField(_("sumber lokasi"), max_length=32, blank=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("insiden"),
    )
    note = models.TextField(_("catatan operator"), blank=True)
    received_at = models.DateTimeField(
        _("diterima"), default=timezone.now, db_index=True
    )
    classified_at = models.DateTimeField(_("diklasifikasi"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    call_state = models.CharField(
        _("status panggilan"), max_length=16, choices=CallState.choices, blank=True
    )
    answered_at = models.DateTimeField(_("dijawab"), null=True, blank=True)
    ended_at = models.DateTimeField(_("berakhir"), null=True, blank=True)
    extension = models.CharField(_("ekstensi penjawab"), max_length=32, blank=True)
    deflection_reference = models.CharField(
        _("nomor rujukan kanal aduan"), max_length=40, blank=True
    )
    callback_done_at = models.DateTimeField(
        _("sudah ditelepon balik"), null=True, blank=True
    )
    tracking_code = models.CharField(
        _("kode lacak"), max_length=16, blank=True, db_index=True
    )
    source_address = models.GenericIPAddressField(
        _("alamat IP pengirim"), null=True, blank=True
    )
    reply_to = models.CharField(
        _("alamat balasan di kanal"), max_length=120, blank=True
    )
    # Retention (SIAGA_RETENTION_DAYS): when the personal data was blanked; `place` then
    # keeps the name of the area its point lay in, so the statistics stay whole.
    anonymized_at = models.DateTimeField(_("dianonimkan"), null=True, blank=True)
    place = models.CharField(_("wilayah"), max_length=200, blank=True)
    category_hint = models.ForeignKey(
        "incidents.Category",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kategori menurut pelapor"),
    )

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("kontak")
        verbose_name_plural = _("kontak")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "provider_id"],
                condition=~Q(provider_id=""),
                name="one_contact_per_provider_message",
            ),
            lat_lon_constraint("contact_lat_lon_together"),
        ]

    def __str__(self) -> str:
        sender = self.sender_raw or "-"
        return f"{self.get_channel_display()} {sender} {self.received_at:%H:%M}"

    @property
    def personal_data_subject(self) -> str:
        """Whose data this contact's events hold, sealed (events/sealing.py)."""
        return f"contact:{self.pk}"

    @property
    def event_label(self) -> str:
        """How the log names it: never the sender (the log cannot forget)."""
        return f"{self.get_channel_display()} {self.public_id.hex[:8]}"


class TelephonyEvent(models.Model):
    """One call event from the PBX, kept verbatim; (call id, event) is idempotent."""

    call_id = models.CharField(_("id panggilan PBX"), max_length=200)
    event = models.CharField(_("peristiwa"), max_length=16, choices=CallState.choices)
    occurred_at = models.DateTimeField(_("waktu di PBX"))
    received_at = models.DateTimeField(_("diterima"), default=timezone.now)
    payload = models.TextField(_("muatan asli"))
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="telephony_events"
    )

    class Meta:
        verbose_name = _("peristiwa telepon")
        verbose_name_plural = _("peristiwa telepon")
        constraints = [
            models.UniqueConstraint(
                fields=["call_id", "event"], name="one_telephony_event_per_call"
            )
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.event}"


class DeliveryStatus(models.TextChoices):
    RECEIVED = "received", _("Diterima, menunggu diproses")
    PROCESSED = "processed", _("Diproses")
    FAILED = "failed", _("Gagal diproses")


class DeliveryQuerySet(models.QuerySet["Delivery"]):
    def waiting(self) -> DeliveryQuerySet:
        """Received, not processed, and not backing off after a failed attempt."""
        return self.filter(
            status=DeliveryStatus.RECEIVED, next_attempt_at__lte=timezone.now()
        ).order_by("pk")


class Delivery(models.Model):
    """One provider webhook POST, stored verbatim before the provider gets its 2xx.

    The worker turns it into contacts; a crash between the two loses nothing, because
    a delivery stays `received` until the transaction that made its contacts commits.
    """

    MAX_ATTEMPTS = 8  # backing off from 30 s, about two hours in all

    channel = models.CharField(_("kanal"), max_length=16, choices=Channel.choices)
    body = models.TextField(_("muatan asli"))
    received_at = models.DateTimeField(_("diterima"), default=timezone.now)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.RECEIVED,
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    next_attempt_at = models.DateTimeField(
        _("percobaan berikutnya"), default=timezone.now
    )
    processed_at = models.DateTimeField(_("diproses"), null=True, blank=True)
    error = models.TextField(_("galat"), blank=True)
    contact_count = models.PositiveIntegerField(_("kontak baru"), default=0)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("kiriman webhook")
        verbose_name_plural = _("kiriman webhook")
        indexes = [models.Index(fields=["status", "id"], name="delivery_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.received_at:%Y-%m-%d %H:%M:%S}"


class MediaStatus(models.TextChoices):
    WAITING = "waiting", _("Menunggu diunduh")
    STORED = "stored", _("Tersimpan")
    FAILED = "failed", _("Gagal diunduh")


class Media(models.Model):
    """A photo, voice note or video that came with a contact: uploaded with it (web,
    app) or referenced by the provider and fetched later by the worker (WhatsApp)."""

    MAX_ATTEMPTS = 6

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        related_name="media",
        verbose_name=_("kontak"),
    )
    kind = models.CharField(_("jenis"), max_length=16)
    # A Graph API id, a Telegram file_id, or a signed CDN URL (Meta's run long).
    provider_ref = models.CharField(_("id media penyedia"), max_length=2000, blank=True)
    mime_type = models.CharField(_("tipe MIME"), max_length=100, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    caption = models.CharField(_("keterangan"), max_length=1000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=MediaStatus.choices,
        default=MediaStatus.WAITING,
    )
    content = models.BinaryField(_("isi"), null=True, blank=True, editable=False)
    size_bytes = models.PositiveIntegerField(_("ukuran (bita)"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    next_attempt_at = models.DateTimeField(
        _("percobaan berikutnya"), default=timezone.now
    )
    error = models.TextField(_("galat"), blank=True)

    class Meta:
        verbose_name = _("media")
        verbose_name_plural = _("media")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="media_due_idx")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.get_status_display()}"

    @property
    def personal_data_subject(self) -> str:
        return f"contact:{self.contact_id}"


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Dalam antrean")
    SENT = "sent", _("Terkirim")
    FAILED = "failed", _("Gagal")


class OutboundPurpose(models.TextChoices):
    REPLY = "reply", _("Balasan operator")
    TRACKING = "tracking", _("Tautan lacak")


class OutboundQuerySet(models.QuerySet["OutboundMessage"]):
    def due(self) -> OutboundQuerySet:
        return self.filter(
            status=OutboundStatus.QUEUED, next_attempt_at__lte=timezone.now()
        ).order_by("next_attempt_at", "pk")


class OutboundMessage(models.Model):
    """A message to a resident on the channel they used; the worker sends it, retrying
    with backoff, and a failure stays visible on the console."""

    MAX_ATTEMPTS = 6

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("kanal"), max_length=16, choices=Channel.choices)
    recipient = models.CharField(_("penerima"), max_length=120)
    text = models.TextField(_("isi"))
    purpose = models.CharField(
        _("tujuan"), max_length=16, choices=OutboundPurpose.choices
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        related_name="outbound",
        verbose_name=_("kontak"),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OutboundStatus.choices,
        default=OutboundStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("percobaan"), default=0)
    next_attempt_at = models.DateTimeField(
        _("percobaan berikutnya"), default=timezone.now
    )
    last_error = models.TextField(_("galat terakhir"), blank=True)
    provider_id = models.CharField(_("id penyedia"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    sent_at = models.DateTimeField(_("terkirim"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = OutboundQuerySet.as_manager()

    class Meta:
        verbose_name = _("pesan keluar")
        verbose_name_plural = _("pesan keluar")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbound_due_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}"

    @property
    def personal_data_subject(self) -> str:
        return f"contact:{self.contact_id}"

    @property
    def event_label(self) -> str:
        return f"{self.get_channel_display()} → {self.public_id.hex[:8]}"
