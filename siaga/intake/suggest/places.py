"""Place mentions in a report: street and alley prefixes, RT/RW numbers,
"Kel."/"Kec." prefixes, generic landmark words ("Perum", "Pasar", "Kali"…) and the
names of the city's kelurahan, kecamatan and landmarks, matched with a small
Levenshtein tolerance for typos.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

from siaga.intake.suggest.rules import buckets, keyword_of
from siaga.intake.suggest.text import BOUNDARY, MAX_CHARS, Token, normalise, word_set

if TYPE_CHECKING:
    # Only for annotations: knowledge.py builds its name index from this module.
    from siaga.intake.suggest.knowledge import Knowledge

# Words that never belong to a place name: they end a street's or landmark's name.
COMMON = word_set(
    """
    abis ada adalah agak air aja akan aman anak antar apa arah atas atau bagaimana
    bahaya baik banyak bapak barat bareng baru barusan bawa bawah begitu belakang belum
    benar berapa besar biar bikin bisa blok bu buntu cepat cuma dalam dan dari deh dekat
    dengan depan di dia dimana dong gang gara gede habis halaman hari harus hidup ibu
    ikut ini itu jadi jalan jam juga kak kalau kami kampung kan kanan karena kasih
    katanya kayak kayaknya ke kecamatan kecil keluar kelurahan kemarin kena kenapa
    ketika kiri kita km kok kondisi korban kota lagi lalu lama lantai lapangan lewat
    lihat lingkungan lokasi lt luar lurus malam masih masuk mati mau mbak min minggu
    minta miring mohon motor mulai nama nih no nomor oleh orang pada padam pagi pak
    paling panik parah pas persis pinggir pukul pun ramai rame rt rumah rusak rw saat
    sama sampai samping sangat saya sebelah sebelum seberang sedang segera sejak
    sekarang sekitar selatan semalam semua sendiri sendirian sering sesudah setelah
    siang sih situ sore sudah supaya tadi tak takut tapi tau tempat tengah tepat terus
    tiap tidak timur tolong udah untuk utara waktu warga ya yang
    """
)
# Names whose bare word is everyday Indonesian ("benda", "petir", "pinang") count
# only after a place cue or as a phrase of their own ("…, petir").
AMBIGUOUS = word_set(
    """
    benda petir periuk pinang larangan kenanga ketapang gaga tajur keroncong
    tanahtinggi pasarbaru pajang babakan
    """
)
NEVER_BARE = frozenset({"tangerang"})
CUES = word_set(
    """
    di daerah wilayah kawasan sekitar warga ke dari dekat depan arah lokasi alamat
    """
)
GENERIC_STREET = word_set("raya utama besar kecil lingkungan kampung tol")
# Words that start a landmark name; brands stand alone.
LANDMARK_WORDS = word_set(
    """
    perumahan perumnas komplek cluster griya pasar masjid musala rs rsud rsj
    puskesmas klinik kali sungai situ danau jembatan stasiun terminal tol sd sdn smp
    smpn sma sman smk smkn mall taman spbu tpa tpu bundaran
    """
)
BRANDS = {"indomaret": "Indomaret", "alfamart": "Alfamart"}
STARTERS = LANDMARK_WORDS | {"jalan", "gang", "kelurahan", "kecamatan", "kampung"}
PREFIXES = {"jalan": ("street", "Jl."), "gang": ("gang", "Gg.")}
AREA_PREFIXES = {"kelurahan": "kelurahan", "kecamatan": "kecamatan"}
MAX_NAME_WORDS = 4
MAX_PLACE_WORDS = 6  # the longest place name or alias the matcher tries, in words
NUMERALS = word_set("satu dua tiga empat lima enam tujuh delapan sembilan sepuluh")
NUMBER_WORDS = NUMERALS | word_set("beberapa berapa sekian banyak")
SCHOOLS = word_set("sd sdn smp smpn sma sman smk smkn mts sekolah")
ACRONYMS = word_set("rs rsud rsj sd sdn smp smpn sma sman smk smkn spbu tpa tpu kh mh")
# Honorifics that start street names: "Jalan KH Hasyim Ashari", "jalan H. Niin".
TITLES = word_set("raya kh h hj haji jend jenderal dr ki mh raden prof kyai")

RT_RW = re.compile(
    r"\brt\s*[./:]?\s*(?:rw\s*[./:]?\s*)?0*(\d{1,3})"
    r"(?:\s*(?:/\s*(?:rw\s*[./:]?\s*)?|[,.]?\s*rw\s*[./:]?\s*)0*(\d{1,3}))?\b"
)
RW_ONLY = re.compile(r"\brw\s*[./:]?\s*0*(\d{1,3})\b")


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a report: what it says, and what kind of place it is."""

    text: str
    kind: str  # "street", "gang", "kelurahan", "kecamatan", "landmark", "rt_rw"


def place_key(text: str) -> str:
    """The form two place strings are compared in: "Kel. Sukasari" and "sukasari",
    "RT 3/RW 5" and "rt.03 rw.05" give the same key."""
    lowered = text.lower()
    rt_rw = RT_RW.search(lowered)
    if rt_rw:
        return f"rt {int(rt_rw[1])}" + (f" rw {int(rt_rw[2])}" if rt_rw[2] else "")
    rw = RW_ONLY.search(lowered)
    if rw:
        return f"rw {int(rw[1])}"
    words = normalise(text).split()
    if words and words[0] in AREA_PREFIXES:
        words = words[1:]
    return " ".join(words)


def display(raw: list[str]) -> str:
    """Words as typed, capitalised when typed all in lowercase."""
    return " ".join(
        w if not w.islower() else w.upper() if w in ACRONYMS else w.capitalize()
        for w in raw
    )


class Names:
    """Exact and one-typo lookup of place names (by their key without spaces)."""

    def __init__(self, names: Mapping[str, tuple[PlaceMention, ...]]) -> None:
        self.names = names
        self.buckets = buckets(list(names))

    def find(self, words: list[str]) -> str | None:
        """The key these words name, allowing one typo (two in long names)."""
        key = "".join(words)
        if key in self.names:
            return key
        if len(key) < 7 or any(w in COMMON or w.isdigit() for w in words):
            return None
        allowed = 1 if len(key) < 10 else 2
        for size in (len(key), len(key) - 1, len(key) + 1):
            for other in self.buckets.get((key[0], size), []):
                near = Levenshtein.distance(key, other, score_cutoff=allowed) <= allowed
                if near and other not in AMBIGUOUS:
                    return other
        return None


class PlaceFinder:
    """Finds place mentions in a report's tokens, most specific first; each token
    belongs to at most one mention."""

    def __init__(self, toks: list[Token], knowledge: Knowledge) -> None:
        self.toks = toks
        self.norms = [t.norm for t in toks]
        self.areas = Names(knowledge.areas)
        self.landmarks = Names(knowledge.landmarks)
        self.claimed = [t.norm == BOUNDARY for t in toks]
        self.found: list[tuple[int, PlaceMention]] = []
        self.masked: set[int] = set()  # name words the keyword rules must not read

    def run(self, text: str) -> tuple[PlaceMention, ...]:
        self.scan(self.landmarks, bare=False)
        for i, word in enumerate(self.norms):
            if self.claimed[i]:
                continue
            if word in PREFIXES:
                self.street(i, *PREFIXES[word])
            elif word in AREA_PREFIXES or word == "kampung":
                self.prefixed_area(i)
            elif self.starts_landmark(i):
                self.landmark(i)
        self.scan(self.areas, bare=True)
        mentions = [m for _, m in sorted(self.found, key=lambda f: f[0])]
        unique = {place_key(m.text): m for m in [*mentions, *rt_rw_mentions(text)]}
        return tuple(unique.values())

    def starts_landmark(self, i: int) -> bool:
        word = self.norms[i]
        if word == "kali" and i > 0:  # "dua kali": twice, not a river
            before = self.norms[i - 1]
            return before not in NUMBER_WORDS and not before.isdigit()
        return word in LANDMARK_WORDS or word in BRANDS or self.says_hospital(i)

    def says_hospital(self, i: int) -> bool:
        return self.norms[i : i + 2] == ["rumah", "sakit"]

    def claim(self, start: int, end: int, mention: PlaceMention, mask: bool) -> None:
        for j in range(start, end):
            self.claimed[j] = True
        if mask:
            self.masked.update(range(start, end))
        self.found.append((start, mention))

    def free(self, start: int, end: int) -> bool:
        return end <= len(self.toks) and not any(self.claimed[start:end])

    def match(self, names: Names, i: int) -> tuple[str, int] | None:
        """The longest name (key, words) starting at token i, if any."""
        for size in range(MAX_PLACE_WORDS, 0, -1):
            if self.free(i, i + size):
                key = names.find(self.norms[i : i + size])
                if key is not None:
                    return key, size
        return None

    def scan(self, names: Names, *, bare: bool) -> None:
        for i in range(len(self.toks)):
            hit = None if self.claimed[i] else self.match(names, i)
            if hit is None or (bare and not self.is_place_here(hit[0], i, hit[1])):
                continue
            mentions = names.names[hit[0]]
            best = min(mentions, key=lambda m: m.kind != "kecamatan")
            self.claim(i, i + hit[1], best, mask=bare)

    def is_place_here(self, key: str, i: int, size: int) -> bool:
        """Everyday words that are also names need a cue ("di petir") or to stand
        alone between punctuation ("…, petir")."""
        if key in NEVER_BARE:
            return False
        if key not in AMBIGUOUS:
            return True
        before = self.norms[i - 1] if i > 0 else BOUNDARY
        after = self.norms[i + size] if i + size < len(self.norms) else BOUNDARY
        return before in CUES or (before == BOUNDARY and after == BOUNDARY)

    def name_words(
        self, start: int, limit: int, *, areas_first_only: bool, prefix: str = ""
    ) -> int:
        """Where a name starting at `start` ends: at punctuation, a common word, a
        rule keyword, after a number, or past its first word at another place's
        first word or (`areas_first_only`) an area's name."""
        end = start
        while end < len(self.toks) and end - start < limit and not self.claimed[end]:
            word = self.norms[end]
            if end > start and (
                word in STARTERS or (areas_first_only and self.match(self.areas, end))
            ):
                break
            old_or_new = end == start and prefix in {"pasar", "kampung"}
            allowed = (old_or_new and word in {"lama", "baru"}) or self.is_title(end)
            if not allowed and (word in COMMON or keyword_of(word) is not None):
                break
            end += 1
            if word.isdigit() or word in NUMERALS:
                break
        return end

    def street(self, i: int, kind: str, label: str) -> None:
        if not self.names_a_street(i):
            return
        first = i + 1
        if first < len(self.norms) and self.norms[first] == "raya":
            first += 1  # "Jl. Raya Serang": the area name right after "raya" is its own
        end = self.name_words(first, MAX_NAME_WORDS, areas_first_only=True)
        words = self.norms[i + 1 : end]
        if not words or set(words) <= GENERIC_STREET:
            return
        name = display([t.raw for t in self.toks[i + 1 : end]])
        self.claim(i, end, PlaceMention(f"{label} {name}", kind), mask=False)
        self.masked.update(range(i + 1, end))

    def names_a_street(self, i: int) -> bool:
        """ "Jl."/"Gg."/"gang" always start a name; the word "jalan" is also "road" and
        "to walk", so only "Jalan Merdeka", "jalan Raya…" or "jalan KH…" do."""
        if self.toks[i].raw.lower() != "jalan" or i + 1 == len(self.toks):
            return True
        return not self.toks[i + 1].raw.islower() or self.is_title(i + 1)

    def is_title(self, i: int) -> bool:
        return self.toks[i].raw.lower() in TITLES

    def prefixed_area(self, i: int) -> None:
        prefix = self.norms[i]
        hit = self.match(self.areas, i + 1)
        if hit is not None:
            mentions = self.areas.names[hit[0]]
            wanted = AREA_PREFIXES.get(prefix, "kelurahan")
            best = min(mentions, key=lambda m: m.kind != wanted)
            kind = AREA_PREFIXES.get(prefix, best.kind)
            self.claim(i, i + 1 + hit[1], PlaceMention(best.text, kind), mask=True)
            return
        end = self.name_words(i + 1, 2, areas_first_only=True, prefix=prefix)
        if end > i + 1:
            name = display([t.raw for t in self.toks[i + 1 : end]])
            kind = AREA_PREFIXES.get(prefix, "landmark")
            text = name if prefix in AREA_PREFIXES else f"Kampung {name}"
            self.claim(i, end, PlaceMention(text, kind), mask=True)

    def landmark(self, i: int) -> None:
        word = self.norms[i]
        if word in BRANDS:
            self.claim(i, i + 1, PlaceMention(BRANDS[word], "landmark"), mask=False)
            return
        start = i + (2 if self.says_hospital(i) else 1)
        if start < len(self.norms) and self.norms[start] in {"negeri", "n"}:
            start += 1
        hit = self.match(self.areas, start)
        after_area = start + hit[1] if hit else start
        end = self.name_words(after_area, 3, areas_first_only=True, prefix=word)
        if end == start:
            return
        numbered = self.norms[end - 1].isdigit() or self.norms[end - 1] in NUMERALS
        school = self.match(self.areas, end) if word in SCHOOLS and numbered else None
        end += school[1] if school else 0  # "SDN 5 Cipondoh", "SMPN 9 Tangerang"
        name = display([t.raw for t in self.toks[i:end]])
        self.claim(i, end, PlaceMention(name, "landmark"), mask=False)


def rt_rw_mentions(text: str) -> list[PlaceMention]:
    """ "RT 03/RW 05", "rt.3 rw.5", "RT/RW 03/05", "rt 3" and "RW 03" alone."""
    lowered = text[:MAX_CHARS].lower()
    found: list[PlaceMention] = []
    for match in RT_RW.finditer(lowered):
        rw = f"/RW {int(match[2]):02d}" if match[2] else ""
        found.append(PlaceMention(f"RT {int(match[1]):02d}{rw}", "rt_rw"))
    for match in RW_ONLY.finditer(RT_RW.sub(" ", lowered)):
        found.append(PlaceMention(f"RW {int(match[1]):02d}", "rt_rw"))
    return found
