"""Actions on public alerts: issue, update, cancel. Each sends a new CAP message; none
changes one already sent."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from siaga.alerts.cap import cap_time
from siaga.alerts.geometry import MAX_RADIUS_KM, cap_circle, cap_polygons, number
from siaga.alerts.models import (
    Alert,
    AlertArea,
    AlertCategory,
    AlertCounter,
    AlertStatus,
    Certainty,
    MsgType,
    ResponseType,
    Severity,
    Urgency,
)
from siaga.areas.models import Area, AreaKind
from siaga.events.log import append_event, snapshot
from siaga.lib.errors import IllegalTransition, InvalidInput
from siaga.lib.fields import sane_moment
from siaga.lib.geo import GeometryError

if TYPE_CHECKING:
    from siaga.accounts.models import User

DEFAULT_SENDER = "112@tangerangkota.go.id"
# CAP 1.2 §3.2.1: identifier and sender must not hold spaces, commas, "<" or "&".
CAP_TOKEN = re.compile(r"^[^\s,<&]+$")
# Characters XML 1.0 cannot carry at all (escaping does not help), and lone surrogates.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
ALERT_AREA_KINDS = frozenset({AreaKind.HOME, AreaKind.KECAMATAN, AreaKind.KELURAHAN})
AREA_PREFIX: dict[str, str] = {AreaKind.KECAMATAN: "Kec. ", AreaKind.KELURAHAN: "Kel. "}
TEXT_LIMITS = {
    "event": 100,
    "headline": 160,
    "description": 10_000,
    "instruction": 10_000,
    "web": 300,
    "contact": 300,
    "event_en": 100,
    "headline_en": 160,
    "description_en": 10_000,
    "instruction_en": 10_000,
}
REQUIRED_TEXT = ("event", "headline")
CHOICES: dict[str, Any] = {
    "category": AlertCategory,
    "urgency": Urgency,
    "severity": Severity,
    "certainty": Certainty,
}
LOGGED_FIELDS = [
    "identifier",
    "status",
    "msg_type",
    "references",
    "note",
    "category",
    "event",
    "urgency",
    "severity",
    "certainty",
    "headline",
    "effective_at",
    "expires_at",
]
# Copied from the message a Cancel withdraws, so receivers see what is withdrawn.
INFO_FIELDS = [
    "category",
    "event",
    "response_type",
    "urgency",
    "severity",
    "certainty",
    "headline",
    "description",
    "instruction",
    "event_en",
    "headline_en",
    "description_en",
    "instruction_en",
    "effective_at",
    "onset_at",
    "expires_at",
    "web",
    "contact",
]


@dataclass(frozen=True)
class AlertInfo:
    """What an alert says: one CAP <info> in Bahasa Indonesia, and its English twin
    when `headline_en` is written. Times are aware; `effective_at` defaults to sent."""

    category: str
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str
    expires_at: datetime
    description: str = ""
    instruction: str = ""
    response_type: str = ""
    effective_at: datetime | None = None
    onset_at: datetime | None = None
    web: str = ""
    contact: str = ""
    event_en: str = ""
    headline_en: str = ""
    description_en: str = ""
    instruction_en: str = ""


@dataclass(frozen=True)
class Circle:
    """A circle around a point, the radius in kilometres (CAP's unit)."""

    lat: float
    lon: float
    radius_km: float
    description: str = ""


@dataclass(frozen=True)
class Where:
    """Where an alert applies: our areas (their boundaries become polygons), circles."""

    areas: Sequence[Area] = ()
    circles: Sequence[Circle] = ()


def alert_sender() -> str:
    return str(getattr(settings, "SIAGA_CAP_SENDER", DEFAULT_SENDER))


def next_alert_identifier(at: datetime) -> str:
    """`TNG-ALERT-20261204-0001`: city code, WIB date, this server's share of the day
    (server k of n takes k, k+n, k+2n…, as for incident numbers)."""
    day = timezone.localdate(at)
    node, count = settings.SIAGA_NODE_INDEX, settings.SIAGA_NODE_COUNT
    counter, _ = AlertCounter.objects.select_for_update().get_or_create(
        day=day, node=node
    )
    AlertCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    sequence = (counter.last - 1) * count + node
    return f"{settings.SIAGA_CITY_CODE}-ALERT-{day:%Y%m%d}-{sequence:04d}"


def cap_reference(alert: Alert) -> str:
    """CAP `references` entry: "sender,identifier,sent"."""
    return f"{alert.sender},{alert.identifier},{cap_time(alert.sent_at)}"


def clean_text(name: str, value: str) -> str:
    """Trimmed text that XML can carry, within its CAP length; else a 422."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if NOT_XML.search(value):
        raise InvalidInput(
            _("Karakter kendali tidak bisa dikirim dalam peringatan."), field=name
        )
    limit = TEXT_LIMITS.get(name, 300)
    if len(value) > limit:
        raise InvalidInput(
            _("Paling banyak %(limit)s karakter.") % {"limit": limit}, field=name
        )
    return value


def clean_moment(name: str, value: datetime) -> datetime:
    """Aware (naive means WIB), within 2000–2100, whole seconds as CAP writes them."""
    try:
        return sane_moment(value).replace(microsecond=0)
    except ValueError:
        message = _("Waktu harus antara tahun 2000 dan 2100 (zona waktu ±14 jam).")
        raise InvalidInput(message, field=name) from None


def clean_info(info: AlertInfo, *, sent_at: datetime) -> dict[str, Any]:
    """The model fields of an alert's <info>, each checked against the CAP rules."""
    values: dict[str, Any] = {
        f.name: getattr(info, f.name)
        for f in fields(info)
        if f.name in TEXT_LIMITS or f.name in CHOICES
    }
    for name in TEXT_LIMITS:
        values[name] = clean_text(name, values[name])
    for name in REQUIRED_TEXT:
        if not values[name]:
            raise InvalidInput(_("Wajib diisi."), field=name)
    for name, choices in CHOICES.items():
        if values[name] not in choices.values:
            raise InvalidInput(_("Nilai tidak dikenal."), field=name)
    if info.response_type and info.response_type not in ResponseType.values:
        raise InvalidInput(_("Nilai tidak dikenal."), field="response_type")
    values["response_type"] = info.response_type
    _check_english(values)
    _check_web(values["web"])
    values |= _clean_times(info, sent_at=sent_at)
    return values


def _check_english(values: dict[str, Any]) -> None:
    english = [name for name in TEXT_LIMITS if name.endswith("_en") and values[name]]
    for name in ("event_en", "headline_en"):
        if english and not values[name]:
            raise InvalidInput(
                _("Wajib diisi bila ada teks bahasa Inggris."), field=name
            )


def _check_web(web: str) -> None:
    if not web:
        return
    try:
        URLValidator(schemes=["http", "https"])(web)
    except ValidationError:
        message = _("Tulis alamat http(s) yang lengkap.")
        raise InvalidInput(message, field="web") from None


def _clean_times(info: AlertInfo, *, sent_at: datetime) -> dict[str, datetime | None]:
    effective = clean_moment("effective", info.effective_at or sent_at)
    expires = clean_moment("expires", info.expires_at)
    onset = clean_moment("onset", info.onset_at) if info.onset_at else None
    if expires <= effective:
        message = _("Waktu berakhir harus sesudah waktu mulai berlaku.")
        raise InvalidInput(message, field="expires")
    if expires <= sent_at:
        raise InvalidInput(_("Waktu berakhir harus di masa depan."), field="expires")
    if onset is not None and onset >= expires:
        message = _("Perkiraan mulai harus sebelum waktu berakhir.")
        raise InvalidInput(message, field="onset")
    return {"effective_at": effective, "expires_at": expires, "onset_at": onset}


def area_rows(where: Where) -> list[AlertArea]:
    """One CAP <area> per chosen area (its boundary as polygons) and per circle."""
    rows = [_area_row(area) for area in {a.pk: a for a in where.areas}.values()]
    rows += [_circle_row(index, circle) for index, circle in enumerate(where.circles)]
    if not rows:
        message = _("Pilih sedikitnya satu wilayah atau lingkaran.")
        raise InvalidInput(message, field="areas")
    return rows


def area_description(area: Area) -> str:
    """ "Kel. Sukarasa, Kec. Tangerang, Kota Tangerang": always in Bahasa Indonesia,
    the language of the alert, whatever language the operator's screen is in."""
    names: list[str] = []
    current: Area | None = area
    depth = 0
    while current is not None and depth < 4:
        names.append(AREA_PREFIX.get(current.kind, "") + current.name)
        current, depth = current.parent, depth + 1
    return clean_text("areas", ", ".join(names))[:200]


def _area_row(area: Area) -> AlertArea:
    if area.kind not in ALERT_AREA_KINDS:
        raise InvalidInput(
            _("%(name)s di luar wilayah kota ini.") % {"name": area.name},
            field="areas",
        )
    if not area.geometry:
        raise InvalidInput(
            _("%(name)s belum punya batas wilayah; pakai lingkaran.")
            % {"name": area.name},
            field="areas",
        )
    try:
        polygons = cap_polygons(area.geometry)
    except GeometryError as error:
        message = _("Batas wilayah %(name)s tidak bisa dipakai: %(error)s") % {
            "name": area.name,
            "error": error,
        }
        raise InvalidInput(message, field="areas") from None
    return AlertArea(
        area=area,
        description=area_description(area),
        code=area.code,
        polygons=polygons,
    )


def _circle_row(index: int, circle: Circle) -> AlertArea:
    field = f"circles.{index}"
    if not (-90 <= circle.lat <= 90 and -180 <= circle.lon <= 180):
        message = _("Titik pusat lingkaran di luar rentang koordinat.")
        raise InvalidInput(message, field=field)
    if not 0 < circle.radius_km <= MAX_RADIUS_KM:
        raise InvalidInput(
            _("Jari-jari harus lebih dari 0 dan paling banyak %(max)s km.")
            % {"max": number(MAX_RADIUS_KM)},
            field=field,
        )
    try:
        text = cap_circle(circle.lat, circle.lon, circle.radius_km)
    except GeometryError as error:
        raise InvalidInput(str(error), field=field) from None
    description = clean_text(field, circle.description) or (
        f"Radius {number(circle.radius_km)} km dari "
        f"{number(circle.lat)},{number(circle.lon)}"
    )
    return AlertArea(description=description[:200], circles=[text])


def _summary(alert: Alert) -> dict[str, Any]:
    return snapshot(alert, LOGGED_FIELDS) | {
        "areas": [row.description for row in alert.areas.all()]
    }


def _send(
    values: dict[str, Any], rows: Sequence[AlertArea], *, actor: User | None
) -> Alert:
    sent_at = values["sent_at"]
    alert = Alert.objects.create(
        identifier=next_alert_identifier(sent_at),
        sender=alert_sender(),
        issued_by=actor,
        **values,
    )
    for row in rows:
        row.pk, row.alert = None, alert
    AlertArea.objects.bulk_create(rows)
    return alert


def _lock_latest(alert: Alert) -> Alert:
    """The alert, locked, if it may still be updated or cancelled: the newest message
    of its chain, not a Cancel, not expired."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if Alert.objects.filter(previous=alert).exists():
        raise IllegalTransition(
            _("Sudah ada pesan yang lebih baru untuk peringatan ini; ubah yang itu.")
        )
    if alert.msg_type == MsgType.CANCEL:
        raise IllegalTransition(_("Peringatan ini sudah dibatalkan."))
    if alert.expires_at <= timezone.now():
        raise IllegalTransition(
            _("Peringatan ini sudah berakhir; terbitkan peringatan baru.")
        )
    return alert


def _chain(previous: Alert) -> str:
    """`references` of a follow-up: the earlier references and the message replaced."""
    return " ".join(filter(None, [previous.references, cap_reference(previous)]))


@transaction.atomic
def issue_alert(
    *,
    info: AlertInfo,
    where: Where,
    status: str = AlertStatus.ACTUAL,
    actor: User | None,
) -> Alert:
    """Send a new public alert (CAP msgType Alert)."""
    if status not in AlertStatus.values:
        raise InvalidInput(_("Nilai tidak dikenal."), field="status")
    sent_at = timezone.now().replace(microsecond=0)
    values = clean_info(info, sent_at=sent_at) | {
        "sent_at": sent_at,
        "status": status,
        "msg_type": MsgType.ALERT,
    }
    alert = _send(values, area_rows(where), actor=actor)
    append_event(
        actor=actor, action="alert.issued", target=alert, after=_summary(alert)
    )
    return alert


@transaction.atomic
def update_alert(
    alert: Alert,
    *,
    info: AlertInfo,
    where: Where,
    note: str = "",
    actor: User | None,
) -> Alert:
    """Replace an alert with a new version (CAP Update referencing the chain)."""
    previous = _lock_latest(alert)
    sent_at = timezone.now().replace(microsecond=0)
    values = clean_info(info, sent_at=sent_at) | {
        "sent_at": sent_at,
        "status": previous.status,
        "msg_type": MsgType.UPDATE,
        "previous": previous,
        "references": _chain(previous),
        "note": clean_text("note", note),
    }
    update = _send(values, area_rows(where), actor=actor)
    append_event(
        actor=actor,
        action="alert.updated",
        target=update,
        before={"identifier": previous.identifier},
        after=_summary(update),
    )
    return update


@transaction.atomic
def cancel_alert(alert: Alert, *, note: str = "", actor: User | None) -> Alert:
    """Withdraw an alert (CAP Cancel): a new message repeating what is withdrawn."""
    previous = _lock_latest(alert)
    values = {name: getattr(previous, name) for name in INFO_FIELDS} | {
        "sent_at": timezone.now().replace(microsecond=0),
        "status": previous.status,
        "msg_type": MsgType.CANCEL,
        "previous": previous,
        "references": _chain(previous),
        "note": clean_text("note", note),
    }
    cancel = _send(values, list(previous.areas.all()), actor=actor)
    append_event(
        actor=actor,
        action="alert.cancelled",
        target=cancel,
        before={"identifier": previous.identifier},
        after=_summary(cancel),
    )
    return cancel
