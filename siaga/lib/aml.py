"""Advanced Mobile Location (ETSI TS 103 625): the handset's own fix, by SMS or HTTPS.

Parsing follows shared/reference/standards.md §1 and is deliberately tolerant: a wrong
`ml`, a missing sign, `mnc=01`, a 16-digit IMEI or duplicate keys are accepted with a
note; what cannot be a location is never turned into one (no plotting at 0,0). A message
that is not AML at all, or is too broken to read, gives an `AmlProblem` with a reason;
the SMS itself is still kept as a contact by the caller of these functions.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl

HEADER = re.compile(r'^A"ML=(\d+)(;|$)')
METHODS = {
    "G": "gnss",
    "W": "wifi",
    "C": "cell",
    "F": "fused",
    "U": "unknown",
    "N": "none",
}
# A circular 2-D normal radius at 68 % confidence, times this, holds 95 % (derived in
# standards.md §1.6 item 6, not from a spec).
TO_95_PERCENT = math.sqrt(-2 * math.log(0.05)) / math.sqrt(-2 * math.log(0.32))


@dataclass(frozen=True)
class AmlFix:
    """What a handset said about where it is; `lat`/`lon` are None without a fix."""

    version: int
    lat: float | None
    lon: float | None
    radius_m: float | None
    confidence_pct: float | None
    method: str
    positioned_at: datetime | None
    imei: str = ""
    imsi: str = ""
    msisdn: str = ""
    mcc: str = ""
    mnc: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lon is not None

    def radius_95_m(self) -> float | None:
        """The uncertainty radius restated at 95 % confidence, for comparing sources."""
        if self.radius_m is None or self.confidence_pct is None:
            return None
        if abs(self.confidence_pct - 68) <= 1:
            return self.radius_m * TO_95_PERCENT
        return self.radius_m

    def dedup_key(self) -> str:
        """(MSISDN or IMEI, positioning time, lat, lon): one fix, however often sent."""
        who = self.msisdn or self.imei
        when = self.positioned_at.strftime("%Y%m%d%H%M%S") if self.positioned_at else ""
        return f"{who}|{when}|{self.lat}|{self.lon}"


@dataclass(frozen=True)
class AmlProblem:
    """Why a message could not be read as AML."""

    reason: str


def is_aml_sms(text: str) -> bool:
    return bool(HEADER.match(text.strip()))


def parse_aml_sms(text: str) -> AmlFix | AmlProblem:
    """An AML SMS (version 1 or 2) as an AmlFix, or the reason it is not one."""
    text = text.strip()
    header = HEADER.match(text)
    if header is None:
        return AmlProblem('not an AML message (it must start with A"ML=)')
    pairs, notes = _pairs(text)
    version = int(header.group(1))
    if version == 1:
        return _version_1(pairs, text, notes)
    if version == 2:
        return _version_2(pairs, notes)
    return AmlProblem(f"unknown AML version {version}")


def _pairs(text: str) -> tuple[dict[str, str], list[str]]:
    """`key=value;…` into a dict; junk fields are noted and skipped, never fatal."""
    pairs: dict[str, str] = {}
    notes: list[str] = []
    for item in text.split(";")[1:]:
        if not item:
            continue
        key, equals, value = item.partition("=")
        if not equals or not key:
            notes.append(f"field without a value skipped: {item[:20]!r}")
            continue
        if key in pairs:
            notes.append(f"duplicate field {key!r}: first one kept")
            continue
        pairs[key] = value
    return pairs, notes


def _number(value: str | None) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _from_unix(seconds: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _utc(value: str, pattern: str) -> datetime | None:
    try:
        return datetime.strptime(value, pattern).replace(tzinfo=UTC)
    except ValueError:
        return None


def _version_1(
    pairs: dict[str, str], text: str, notes: list[str]
) -> AmlFix | AmlProblem:
    method_code = pairs.get("pm", "").upper()
    if method_code not in METHODS:
        return AmlProblem(f"unknown positioning method pm={pairs.get('pm', '')!r}")
    positioned_at = _utc(pairs.get("top", ""), "%Y%m%d%H%M%S")
    if positioned_at is None:
        return AmlProblem(f"malformed time of positioning top={pairs.get('top', '')!r}")
    confidence = pairs.get("lc", "")
    if confidence and not confidence.isdigit():
        return AmlProblem(
            f"level of confidence must be a whole percent, not lc={confidence!r}"
        )
    length = pairs.get("ml", "")
    if length.isdigit() and int(length) != len(text):
        notes.append(f"ml={length} but the message has {len(text)} characters")
    lat, lon = _number(pairs.get("lt")), _number(pairs.get("lg"))
    radius = None if pairs.get("rd", "").upper() == "N" else _number(pairs.get("rd"))
    located = method_code != "N" and lat is not None and lon is not None
    if located and not (-90 <= lat <= 90 and -180 <= lon <= 180):  # type: ignore[operator]
        return AmlProblem("latitude or longitude out of range")
    if located and lat == 0 and lon == 0:
        notes.append("0,0 is the no-location marker: not plotted")
        located = False
    return AmlFix(
        version=1,
        lat=lat if located else None,
        lon=lon if located else None,
        radius_m=radius if located else None,
        confidence_pct=float(confidence) if confidence and located else None,
        method=METHODS[method_code],
        positioned_at=positioned_at,
        imei=pairs.get("ei", ""),
        imsi=pairs.get("si", ""),
        mcc=pairs.get("mcc", ""),
        mnc=pairs.get("mnc", ""),
        notes=tuple(notes),
    )


def _version_2(pairs: dict[str, str], notes: list[str]) -> AmlFix | AmlProblem:
    """Google's ELS "v2": `lo=lat,lon,acc`; `lt` is a relative time, `lg` a language."""
    parts = pairs.get("lo", "").split(",")
    lat, lon = (
        (_number(parts[0]), _number(parts[1])) if len(parts) >= 2 else (None, None)
    )
    accuracy = _number(parts[2]) if len(parts) >= 3 else None
    if (
        lat is not None
        and lon is not None
        and not (-90 <= lat <= 90 and -180 <= lon <= 180)
    ):
        return AmlProblem("latitude or longitude out of range")
    located = lat is not None and lon is not None and not (lat == 0 and lon == 0)
    call_start = _number(pairs.get("et"))
    offset = _number(pairs.get("lt"))
    positioned_at = None
    if call_start is not None and offset is not None and offset != -9999:
        positioned_at = _from_unix(call_start + offset)
    elif call_start is not None:
        positioned_at = _from_unix(call_start)
    confidence = _number(pairs.get("lc"))
    network = pairs.get("nc", "")
    return AmlFix(
        version=2,
        lat=lat if located else None,
        lon=lon if located else None,
        radius_m=accuracy if located and accuracy else None,
        confidence_pct=confidence if located else None,
        method=METHODS.get(pairs.get("ls", "U").upper(), "unknown"),
        positioned_at=positioned_at,
        imei=pairs.get("ei", ""),
        mcc=network[:3],
        mnc=network[3:],
        notes=tuple(notes),
    )


def unpack_7bit(hex_data: str) -> str:
    """GSM 03.38 7-bit packed user data (a data SMS from an older Android) as text.

    Only the basic character set's ASCII-compatible range matters for AML."""
    data = bytes.fromhex(hex_data)
    septets = []
    carry, carry_bits = 0, 0
    for byte in data:
        value = ((byte << carry_bits) | carry) & 0x7F
        septets.append(value)
        carry = byte >> (7 - carry_bits)
        carry_bits += 1
        if carry_bits == 7:
            septets.append(carry & 0x7F)
            carry, carry_bits = 0, 0
    gsm_to_ascii = {0x00: "@", 0x02: "$", 0x11: "_"}
    return "".join(gsm_to_ascii.get(s, chr(s)) for s in septets).rstrip("\x00")


def parse_aml_https(body: str, hmac_key: str = "") -> AmlFix | AmlProblem:
    """The HTTPS variant: form-encoded fields, all optional; HMAC-SHA1 when keyed."""
    if hmac_key:
        signed, marker, signature = body.rpartition("&hmac=")
        expected = hmac.new(
            hmac_key.encode(), signed.encode(), hashlib.sha1
        ).hexdigest()
        if not marker or not hmac.compare_digest(expected, signature.strip().lower()):
            return AmlProblem("HMAC signature missing or wrong")
    fields = dict(parse_qsl(body, keep_blank_values=True))
    lat = _number(fields.get("location_latitude"))
    lon = _number(fields.get("location_longitude"))
    in_range = (
        lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180
    )
    located = in_range and not (lat == 0 and lon == 0)
    confidence = _number(fields.get("location_confidence"))  # a fraction, 0-1
    certainty = _number(fields.get("location_certainty"))  # older payloads: percent
    percent = confidence * 100 if confidence is not None else certainty
    at_ms = _number(fields.get("location_time"))
    return AmlFix(
        version=1 if fields.get("v", "1") != "2" else 2,
        lat=lat if located else None,
        lon=lon if located else None,
        radius_m=_number(fields.get("location_accuracy")) if located else None,
        confidence_pct=percent if located else None,
        method=fields.get("location_source", "unknown").lower() or "unknown",
        positioned_at=_from_unix(at_ms / 1000) if at_ms else None,
        imei=fields.get("device_imei", ""),
        imsi=fields.get("device_imsi", ""),
        msisdn=fields.get("device_number", ""),
        mcc=fields.get("cell_network_mcc", ""),
        mnc=fields.get("cell_network_mnc", ""),
    )
