"""Caller ids in every form a PBX, gateway or app sends (standards.md §6)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from siaga.lib.phone import is_withheld, national_format, to_e164


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("081234567890", "+6281234567890"),
        ("0812-3456-7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("+62 (0) 812 3456 7890", "+6281234567890"),
        ("00628123456789", "+628123456789"),
        ("tel:+6281234567890", "+6281234567890"),
        ("sip:081234567890@10.0.0.1;user=phone", "+6281234567890"),
        ("(021) 5551234", "+62215551234"),
        ("8123456789", "+628123456789"),
    ],
)
def test_it_normalises_indonesian_numbers(raw: str, e164: str) -> None:
    assert to_e164(raw) == e164


@pytest.mark.parametrize(
    "raw", ["112", "0812345", "08123456789012", "", "anonymous", "abc", "++62"]
)
def test_it_returns_none_for_what_is_not_a_number(raw: str) -> None:
    assert to_e164(raw) is None


@pytest.mark.parametrize("raw", ["", "anonymous", "Withheld", "sip:anonymous@pbx"])
def test_it_knows_a_withheld_caller(raw: str) -> None:
    assert is_withheld(raw)


def test_it_formats_for_reading_aloud() -> None:
    assert national_format("+6281234567890") == "0812-3456-7890"


@given(st.text(max_size=60))
def test_it_never_raises_on_any_text(raw: str) -> None:
    result = to_e164(raw)
    assert result is None or result.startswith("+")
