"""Caller ids as they arrive from PBXs, SMS gateways and messaging apps, made E.164.

Follows the recipe in shared/reference/standards.md §6: strip punctuation, `00`→`+`,
`62…`→`+62…`, parse for region ID, and require a valid number.
"""

from __future__ import annotations

import re

import phonenumbers

WITHHELD = frozenset(
    {"", "anonymous", "unknown", "withheld", "private", "restricted", "unavailable"}
)
_URI = re.compile(r"^(?:tel|sips?):", re.IGNORECASE)
_PUNCTUATION = re.compile(r"[\s\-.()/]")


def clean_caller_id(raw: str) -> str:
    """`sip:0812-3456-7890@pbx;user=phone` → `081234567890`; `tel:+62…` → `+62…`."""
    value = _URI.sub("", raw.strip())
    value = value.split("@", 1)[0].split(";", 1)[0]
    return _PUNCTUATION.sub("", value)


def is_withheld(raw: str) -> bool:
    return clean_caller_id(raw).lower() in WITHHELD


def to_e164(raw: str, region: str = "ID") -> str | None:
    """The E.164 form of a valid number, or None (withheld, short code, garbage)."""
    value = clean_caller_id(raw)
    if value.startswith("00"):
        value = "+" + value[2:]
    elif value.startswith("62"):
        value = "+" + value
    if not value or len(value) > 20:
        return None
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def national_format(e164: str) -> str:
    """`+6281234567890` → `0812-3456-7890`, how an operator reads a number aloud;
    anything else (a channel handle, a forgotten caller) as it is."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def mask(identifier: str) -> str:
    """`+6281234567890` → `0812-****-7890`: enough to recognise, not to call."""
    if not identifier.startswith("+"):
        return identifier[:3] + "****" if len(identifier) > 3 else "****"
    national = national_format(identifier)
    digits = [i for i, ch in enumerate(national) if ch.isdigit()]
    hidden = set(digits[4:-4])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(national))
