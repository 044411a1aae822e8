"""The English catalogue is complete and its compiled .mo matches the .po."""

from __future__ import annotations

import gettext
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"


def test_every_string_has_an_english_translation() -> None:
    po = polib.pofile(str(CATALOGUE / "django.po"))

    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_the_compiled_catalogue_matches_the_source() -> None:
    po = polib.pofile(str(CATALOGUE / "django.po"))
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    stale = [
        e.msgid
        for e in po.translated_entries()
        if (
            compiled.ngettext(e.msgid, e.msgid_plural, 1) != e.msgstr_plural[0]
            if e.msgid_plural
            else compiled.gettext(e.msgid) != e.msgstr
        )
    ]
    assert stale == [], "run `make messages` to recompile django.mo"
