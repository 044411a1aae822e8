"""Text as the rules see it: Unicode-normalised, lowercase words after slang and
abbreviations, stretched letters ("tolonggg") and reduplication ("anak2") undone,
punctuation that ends a phrase kept as one BOUNDARY token.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# Longer texts are cut: a report is a message, and the place scan is quadratic-ish
# in the number of words (n-grams times names).
MAX_CHARS = 4000
BOUNDARY = "|"

# Slang and abbreviations, one word to one word: "standard: variant variant…".
# Not "g" (also "Blok G"), "lurah"/"camat" (the officials, not the areas).
SLANG_TABLE = """
    yang: yg yng | dengan: dgn dg dng | sudah: sdh udh udah dah sudh
    tidak: tdk gak nggak ngga ga gk enggak engga kagak | belum: blm blom belom
    sangat: bgt bngt banget | kebakaran: kbkrn kbakaran kebakarn
    tolong: tlg tlong tolongin tulung | dekat: dkt deket dket | depan: dpn dpan
    belakang: blkg blakang | jalan: jl jln jaln | gang: gg | kelurahan: kel kelurhan
    kecamatan: kec kecamtan | kampung: kp kampong | perumahan: perum prm
    komplek: komp kompleks komplex | masjid: mesjid msjid | pasar: psr
    musala: mushola musola musholla mushalla | rumah: rmh rumh | orang: org orng
    karena: krn karna krna | untuk: utk untk buat | bisa: bs bsa | tapi: tp tpi
    juga: jg | lagi: lg lgi | sekarang: skrg skrng skr skarang | cepat: cpt cepet cept
    segera: sgr | tadi: td tdi | dari: dr | saya: sy sya aku gw gue gua | motor: mtr
    mobil: mbl | kalau: kalo kl klo | hilang: ilang | ular: uler | hujan: ujan
    banjir: bnjr banjr | damkar: dmkr | sesak: sesek | mabuk: mabok
    ambulans: ambulan ambulance ambulanse ambulanz ambl | napas: nafas nfas
    terimakasih: makasih mksh trims thx thanks
"""
SLANG = {
    variant: standard.strip()
    for entry in SLANG_TABLE.replace("\n", "|").split("|")
    if ":" in entry
    for standard, variants in [entry.split(":")]
    for variant in variants.split()
}


def word_set(text: str) -> frozenset[str]:
    """A set of words written as one string (lists of words stay readable)."""
    return frozenset(text.split())


LONG_ABBREVIATIONS = word_set("jend prof komp perum kapt letjen")

TOKEN = re.compile(r"[^\W_]+|[,;:!?()\n]|\.")
STRETCHED = re.compile(r"([^\W\d_])\1{2,}")
REDUPLICATED = re.compile(r"\b([^\W\d_]{3,})2(an|nya)?\b")


class Token(NamedTuple):
    norm: str
    raw: str


def squeeze(word: str) -> str:
    """The word with doubled letters made single ("tenggelam" equals "tengelam")."""
    return re.sub(r"(.)\1+", r"\1", word)


def slang(word: str) -> str:
    return SLANG.get(word, word)


def tokens(text: str) -> list[Token]:
    """Lowercase words after slang; punctuation that ends a phrase becomes BOUNDARY.

    A full stop after a short word ("Jl.", "H.", "Moh.") is an abbreviation's, not a
    sentence's.
    """
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS])
    text = REDUPLICATED.sub(r"\1\2", STRETCHED.sub(r"\1", text))
    found: list[Token] = []
    for match in TOKEN.finditer(text):
        raw = match.group()
        if raw == ".":
            if not found or not is_abbreviation(found[-1]):
                found.append(Token(BOUNDARY, raw))
        elif not raw.isalnum():
            found.append(Token(BOUNDARY, raw))
        else:
            found.append(Token(slang(raw.lower()), raw))
    return found


def is_abbreviation(token: Token) -> bool:
    raw = token.raw.lower()
    short = len(raw) <= 3 and raw.isalpha()
    return token.norm != BOUNDARY and (short or raw in LONG_ABBREVIATIONS)


def normalise(text: str) -> str:
    """The words of a text as the rules see them, punctuation dropped."""
    return " ".join(t.norm for t in tokens(text) if t.norm != BOUNDARY)
