"""Where things are: the home jurisdiction, its kecamatan and kelurahan, the neighbours,
and
the landmarks ("patokan") that callers name."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaKind(models.TextChoices):
    HOME = "home", _("Wilayah sendiri")
    KECAMATAN = "kecamatan", _("Kecamatan")
    KELURAHAN = "kelurahan", _("Kelurahan")
    NEIGHBOUR = "neighbour", _("Wilayah tetangga")


class AreaQuerySet(models.QuerySet["Area"]):
    def of_kind(self, kind: str) -> AreaQuerySet:
        return self.filter(kind=kind)

    def neighbours(self) -> AreaQuerySet:
        return self.filter(kind=AreaKind.NEIGHBOUR)


class Area(models.Model):
    """An administrative area with its boundary as GeoJSON (WGS84, lon/lat order).

    A neighbouring jurisdiction carries the contacts of its 112 centre, used for
    referrals.
    `is_approximate` marks geometry built from rough facts, not from an official file.
    """

    kind = models.CharField(_("jenis"), max_length=16, choices=AreaKind.choices)
    code = models.CharField(
        _("kode"),
        max_length=32,
        unique=True,
        help_text=_("Kode Kemendagri, mis. 36.71.01"),
    )
    name = models.CharField(_("nama"), max_length=120)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("induk"),
    )
    geometry = models.TextField(_("batas wilayah (GeoJSON)"), blank=True)
    is_approximate = models.BooleanField(_("batas perkiraan"), default=True)
    centre_lat = models.FloatField(_("lintang pusat"), null=True, blank=True)
    centre_lon = models.FloatField(_("bujur pusat"), null=True, blank=True)
    referral_centre = models.CharField(
        _("pusat rujukan"),
        max_length=120,
        blank=True,
        help_text=_("mis. Jakarta Siaga 112"),
    )
    referral_phone = models.CharField(_("telepon rujukan"), max_length=40, blank=True)
    referral_contact = models.CharField(
        _("narahubung rujukan"), max_length=120, blank=True
    )
    referral_url = models.URLField(_("alamat EIDO rujukan"), blank=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_home(self) -> bool:
        return self.kind == AreaKind.HOME


class Landmark(models.Model):
    """A place callers name to say where they
    are: a mosque, a market, a bridge, a mall."""

    name = models.CharField(_("nama"), max_length=160)
    aliases = models.CharField(
        _("nama lain"), max_length=300, blank=True, help_text=_("Pisahkan dengan koma.")
    )
    kind = models.CharField(_("jenis"), max_length=40, blank=True)
    lat = models.FloatField(_("lintang"))
    lon = models.FloatField(_("bujur"))
    kecamatan = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kecamatan"),
    )
    is_approximate = models.BooleanField(_("lokasi perkiraan"), default=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("patokan")
        verbose_name_plural = _("patokan")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="landmark_lat_lon_in_range",
                condition=models.Q(
                    lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name
