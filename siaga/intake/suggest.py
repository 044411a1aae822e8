"""Triage suggestions for text reports in Bahasa Indonesia (WhatsApp, SMS, web…).

A rule model, no machine learning: the text is normalised (slang, abbreviations,
stretched letters), weighted keyword phrases vote for a category, a negator just before
a phrase ("bukan kebakaran") silences it, and the category's routing in the database
gives the agencies. Place mentions come from street and alley prefixes, RT/RW numbers,
"Kel."/"Kec." prefixes, generic landmark words ("Perum", "Pasar", "Kali"…) and the
names of the city's kelurahan, kecamatan and landmarks, matched with a small
Levenshtein tolerance for typos.

It only suggests: the call taker decides. Accuracy is measured by
`bench/triage_accuracy.py` against `siaga/datasets/reports_labelled.jsonl`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from siaga.areas.models import Area, AreaKind, Landmark
from siaga.incidents.models import Category

# Longer texts are cut: a report is a message, and the place scan is quadratic-ish
# in the number of words (n-grams times names).
MAX_CHARS = 4000
FALLBACK = "lainnya"
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

# Category → ((weight, "phrase|phrase|…"), …). Phrases are written after slang
# mapping; letters doubled in a word are ignored when comparing ("tengelam").
# Ties go to the category listed first: causes (fire, accident, animal) before their
# consequence (someone hurt, an ambulance needed), "lainnya" last.
RULES: dict[str, tuple[tuple[float, str], ...]] = {
    "kebakaran": (
        (4, "kebakaran|terbakar|kebakar|hangus|korsleting|korslet|konsleting"),
        (3, "apinya|asap tebal|asap hitam|pemadam|api besar|nyala api|ngebul"),
        (2, "api|asap|meledak|ledakan|gas bocor|apar|merambat|percikan|damkar"),
        (1, "tabung gas|kompor|bau kabel|bakar"),
    ),
    "penyelamatan": (
        (4, "cincin|terkunci|kekunci|terjepit|kejepit|lift|teralis|bunuh diri"),
        (3, "terjebak|kejebak|sumur|tidak bisa lepas|tidak bisa dilepas|loncat"),
        (3, "tidak bisa keluar|tidak bisa turun|tersangkut|nyangkut|gembok"),
        (2, "kucing|lompat|evakuasi|bengkak|jari"),
    ),
    "hewan-liar": (
        (4, "ular|kobra|sanca|piton|weling|biawak|tawon|lebah|buaya|monyet"),
        (4, "kalajengking|kelabang|berbisa|anjing liar|anjing gila|vespa"),
        (2, "sarang|kesengat|disengat|sengat|hewan|binatang"),
    ),
    "tenggelam": (
        (4, "tenggelam|hanyut|terseret arus|kecebur|tercebur|mengambang|ngambang"),
        (3, "tidak bisa berenang|perahu terbalik|tim sar|belum muncul|mayat"),
        (2, "berenang|kolam renang|empang|arus"),
    ),
    "kecelakaan": (
        (4, "kecelakaan|laka|tabrakan|tabrak|ditabrak|menabrak|nabrak|ketabrak"),
        (4, "kecelakaan lalu lintas|laka lantas|laka lalu lintas"),
        (4, "tertabrak|keserempet|terserempet|kelindes|terlindas|tabrak lari"),
        (2, "terguling|beruntun|pengendara|oleng|kolong|kepeleset|tergelincir"),
        (1, "motor|truk|korban|terbalik|bus|angkot|ojol"),
    ),
    "pohon-tumbang": (
        (4, "pohon tumbang|pohon roboh|pohon rubuh|pohon ambruk|tumbang"),
        (3, "pohon|dahan|ranting|batang"),
        (1, "roboh|rubuh|ambruk|nimpa|menimpa|ketimpa|tertimpa|ketiban|condong"),
    ),
    "banjir-bencana": (
        (4, "banjir|kebanjiran|tanggul|puting beliung|longsor|gempa|bencana"),
        (3, "meluap|air masuk|air naik|ketinggian air|mengungsi|ngungsi|terendam"),
        (3, "kerendem|perahu karet|dapur umum|angin kencang|angin puyuh|bpbd"),
        (2, "genangan|sepinggang|sedada|selutut|setinggi|terpal|jebol|pompa"),
        (1, "hujan deras|hujan angin|atap|evakuasi|surut"),
    ),
    "kriminalitas": (
        (4, "begal|dibegal|jambret|dijambret|maling|kemalingan|pencurian|curanmor"),
        (4, "rampok|perampokan|dirampok|penodongan|ditodong|copet|dicopet|kdrt"),
        (3, "pencuri|dicuri|dibobol|penipuan|ditusuk|dibacok|narkoba|tembakan"),
        (3, "pembunuhan|dicongkel|mencurigakan|senjata api|pistol"),
        (2, "pelaku|pengedar|dipukuli|dipukulin|diamuk massa|bobol"),
        (1, "kabur|polisi|senjata tajam|ketangkap|ketangkep|hilang"),
    ),
    "tawuran": (
        (4, "tawuran|geng motor|bentrok|bentrokan|balap liar|perang sarung"),
        (3, "keributan|perkelahian|berkelahi|saling serang|onar|celurit"),
        (2, "ribut|sajam|mabuk|konvoi|ormas|pukulan|lemparan|golok"),
        (1, "massa|ditertibkan|senjata tajam"),
    ),
    "orang-hilang": (
        (4, "orang hilang|anak hilang|belum pulang|tidak pulang|tidak ada kabar"),
        (3, "tanpa kabar|demensia|pikun|tersesat|terpisah|tidak aktif"),
        (2, "hilang|terakhir|nyari|mencari|linglung|tidak ingat"),
    ),
    "jalan-rusak": (
        (4, "jalan rusak|jalan berlubang|berlubang|amblas|ambles|gorong gorong"),
        (3, "tutup got|drainase|bergelombang|aspal|ambrol|turap|mampet"),
        (2, "lubang|lobang|saluran|retak|galian|keperosok|terperosok|perbaikan"),
        (1, "got|bolong|jembatan"),
    ),
    "lalu-lintas": (
        (4, "lampu merah|traffic light|lampu lalu lintas|apill|parkir liar|rambu"),
        (3, "macet total|derek|palang pintu|kemacetan|macet|mogok|dishub"),
        (2, "lalu lintas|lantas"),
        (1, "perlintasan|lajur|kedip|serobot|bahu jalan"),
    ),
    "odgj-sosial": (
        (4, "odgj|orang gila|gangguan jiwa|gelandangan|pengemis|anak jalanan"),
        (4, "dipasung|terlantar|sebatang kara"),
        (2, "stres|depresi|ngamen|pengamen|telanjang|emperan|dinsos|ngamuk"),
        (1, "mengamuk|linglung|kasihan|kasian"),
    ),
    "medis": (
        (4, "pingsan|tidak sadar|tidak sadarkan diri|kejang|sesak napas|overdosis"),
        (4, "serangan jantung|pendarahan|perdarahan|ketuban|keracunan|muntah darah"),
        (3, "melahirkan|tidak bisa napas|tidak napas|tidak bernapas|tersedak"),
        (3, "ketelen|tertelan|luka bakar|melepuh|sekarat|koma|tidak respon|asma"),
        (3, "tersengat listrik|kesetrum|tidak bisa bangun|psc"),
        (2, "stroke|sesak|lemas|lemes|pucat|pucet|demam|diabetes|diabet|kambuh"),
        (2, "gula darah|muntah|diare|berdarah|darah|patah|tulang|gawat|kritis"),
        (1, "sakit|pusing|luka|jatuh|tergeletak|biru|igd|darurat|digigit|ambulans"),
    ),
    "ambulans-gratis": (
        (4, "ambulans gratis|mobil jenazah|jenazah|almarhum|almarhumah|rumah duka"),
        (3, "antar pasien|jemput pasien|cuci darah|kemoterapi|kemo|meninggal|wafat"),
        (3, "transport pasien|pasien pulang|tidak darurat|paliatif"),
        (2, "kontrol|terapi|fisioterapi|rujukan|dirujuk|pemakaman|makam|gratis"),
        (2, "operasi|jadwal|visum|dijemput|jemput|antar|dibawa ke rumah sakit"),
        (1, "pasien|lansia|lumpuh|rumah sakit|rs|rsud|ambulans"),
    ),
    FALLBACK: (
        (3, "salah pencet|salah sambung|ktp|pdam|pju|lampu jalan|listrik mati"),
        (3, "bakar sampah|pipa bocor|terimakasih|komplain|syarat"),
        (2, "sampah|musik|tes|test|halo|pipa"),
        (1, "tanya|nanya|info|informasi|cara|pln"),
    ),
}


def word_set(text: str) -> frozenset[str]:
    """A set of words written as one string (lists of words stay readable)."""
    return frozenset(text.split())


# A negator within two words before a phrase silences it. "Kirain" ("I thought
# it was") works like one: "kirain kebakaran, ternyata…". "Belum" is no negator:
# "belum pulang" is the very signal of a missing person.
NEGATORS = frozenset({"bukan", "tidak", "tanpa", "jangan", "kirain", "dikira"})
NEGATION_WINDOW = 2

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
LONG_ABBREVIATIONS = word_set("jend prof komp perum kapt letjen")
NUMERALS = word_set("satu dua tiga empat lima enam tujuh delapan sembilan sepuluh")
NUMBER_WORDS = NUMERALS | word_set("beberapa berapa sekian banyak")
SCHOOLS = word_set("sd sdn smp smpn sma sman smk smkn mts sekolah")
ACRONYMS = word_set("rs rsud rsj sd sdn smp smpn sma sman smk smkn spbu tpa tpu kh mh")
# Honorifics that start street names: "Jalan KH Hasyim Ashari", "jalan H. Niin".
TITLES = word_set("raya kh h hj haji jend jenderal dr ki mh raden prof kyai")

TOKEN = re.compile(r"[^\W_]+|[,;:!?()\n]|\.")
RT_RW = re.compile(
    r"\brt\s*[./:]?\s*(?:rw\s*[./:]?\s*)?0*(\d{1,3})"
    r"(?:\s*(?:/\s*(?:rw\s*[./:]?\s*)?|[,.]?\s*rw\s*[./:]?\s*)0*(\d{1,3}))?\b"
)
RW_ONLY = re.compile(r"\brw\s*[./:]?\s*0*(\d{1,3})\b")
STRETCHED = re.compile(r"([^\W\d_])\1{2,}")
REDUPLICATED = re.compile(r"\b([^\W\d_]{3,})2(an|nya)?\b")


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a report: what it says, and what kind of place it is."""

    text: str
    kind: str  # "street", "gang", "kelurahan", "kecamatan", "landmark", "rt_rw"


@dataclass(frozen=True)
class Suggestion:
    """What the rules suggest for one report; `matched` lists the phrases that fired."""

    category: str | None
    confidence: float
    agencies: tuple[str, ...]
    places: tuple[PlaceMention, ...]
    matched: tuple[str, ...]


@dataclass(frozen=True)
class Knowledge:
    """What the suggestion reads from the database: routing and place names.

    `areas` and `landmarks` map a name without spaces ("ciledug", "pasaranyar") to
    its mentions, one per kind.
    """

    routing: Mapping[str, tuple[str, ...]]
    areas: Mapping[str, tuple[PlaceMention, ...]]
    landmarks: Mapping[str, tuple[PlaceMention, ...]]


class Token(NamedTuple):
    norm: str
    raw: str


class Phrase(NamedTuple):
    words: tuple[str, ...]
    category: str
    weight: float
    text: str


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


def compile_rules() -> dict[str, list[Phrase]]:
    """Phrases indexed by their first squeezed word, longest first."""
    index: dict[str, list[Phrase]] = {}
    for category, groups in RULES.items():
        for weight, phrases in groups:
            for text in phrases.split("|"):
                parts = tuple(squeeze(slang(w)) for w in text.split())
                index.setdefault(parts[0], []).append(
                    Phrase(parts, category, weight, text)
                )
    for found in index.values():
        found.sort(key=lambda p: -len(p.words))
    return index


def buckets(keys: list[str]) -> dict[tuple[str, int], list[str]]:
    """Keys by (first letter, length): the only ones a typo-tolerant match tries."""
    found: dict[tuple[str, int], list[str]] = {}
    for key in keys:
        found.setdefault((key[0], len(key)), []).append(key)
    return found


PHRASES = compile_rules()
KEYWORD_BUCKETS = buckets(list(PHRASES))


def keyword_of(word: str) -> str | None:
    """The rule word this text word stands for: itself, without "-nya", or one typo
    away (words of seven letters or more)."""
    word = squeeze(word)
    if word in PHRASES:
        return word
    if word.endswith("nya") and word[:-3] in PHRASES:
        return word[:-3]
    if len(word) >= 7:
        for size in (len(word), len(word) - 1, len(word) + 1):
            for key in KEYWORD_BUCKETS.get((word[0], size), ()):
                if Levenshtein.distance(word, key, score_cutoff=1) <= 1:
                    return key
    return None


def fired_phrases(words: list[str]) -> Iterator[Phrase]:
    """Each phrase found in the words, longest match first, unless negated. A phrase
    listed under two categories ("hilang") votes for both."""
    squeezed = [squeeze(w) for w in words]
    i = 0
    while i < len(words):
        key = keyword_of(words[i])
        found = [] if key is None else match_at(squeezed, i, key)
        if not found:
            i += 1
            continue
        if not NEGATORS.intersection(words[max(0, i - NEGATION_WINDOW) : i]):
            yield from found
        i += len(found[0].words)


def match_at(squeezed: list[str], i: int, key: str) -> list[Phrase]:
    """The longest phrases starting with `key` that match at word i."""
    found: list[Phrase] = []
    for phrase in PHRASES[key]:
        if found and len(phrase.words) < len(found[0].words):
            break
        rest = phrase.words[1:]
        if tuple(squeezed[i + 1 : i + 1 + len(rest)]) == rest:
            found.append(phrase)
    return found


def score(words: list[str]) -> tuple[dict[str, float], tuple[str, ...]]:
    """Votes per category (each phrase counts once) and the phrases that fired."""
    fired = {(p.category, p.text): p.weight for p in fired_phrases(words)}
    votes: dict[str, float] = {}
    for (category, _), weight in fired.items():
        votes[category] = votes.get(category, 0.0) + weight
    return votes, tuple(dict.fromkeys(text for _, text in fired))


def choose(
    votes: Mapping[str, float], routing: Mapping[str, tuple[str, ...]]
) -> tuple[str | None, float]:
    """The best routed category and a confidence in 0..1: its share of the two top
    votes, times how much evidence there is (full at two strong phrases)."""
    order = list(RULES)
    ranked = sorted(
        ((v, c) for c, v in votes.items() if c in routing and v > 0),
        key=lambda item: (-item[0], order.index(item[1])),
    )
    if not ranked:
        return (FALLBACK if FALLBACK in routing else None), 0.0
    best, category = ranked[0]
    runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
    confidence = best / (best + runner_up) * min(1.0, best / 8)
    return category, round(confidence, 2)


def name_key(name: str) -> str:
    """A place name as the matcher compares it: normalised, spaces removed."""
    return normalise(name).replace(" ", "")


def load_knowledge() -> Knowledge:
    """Routing of the active categories and the names of areas and landmarks."""
    categories = Category.objects.filter(is_active=True).prefetch_related(
        "default_agencies"
    )
    routing = {
        c.code: tuple(sorted(a.code for a in c.default_agencies.all() if a.is_active))
        for c in categories
    }
    areas: dict[str, tuple[PlaceMention, ...]] = {}
    kinds = [AreaKind.KECAMATAN, AreaKind.KELURAHAN]
    for name, kind in Area.objects.filter(kind__in=kinds).values_list("name", "kind"):
        add_name(areas, name, PlaceMention(name, str(kind)))
    landmarks: dict[str, tuple[PlaceMention, ...]] = {}
    rows = Landmark.objects.filter(is_active=True).values_list("name", "aliases")
    firsts = distinctive_first_words([name for name, _ in rows])
    for name, aliases in rows:
        for alias in [name, *aliases.split(","), firsts.get(name, "")]:
            add_name(landmarks, alias, PlaceMention(name, "landmark"))
    return Knowledge(routing, areas, landmarks)


def distinctive_first_words(names: list[str]) -> dict[str, str]:
    """Name → its first word, where that word stands for it alone ("Puspemkot",
    "Bandara"): no other landmark starts with it and it is no generic word."""
    firsts = {name: (normalise(name).split() or [""])[0] for name in names}
    counts = Counter(firsts.values())
    generic = LANDMARK_WORDS | COMMON | NEVER_BARE
    return {
        name: first
        for name, first in firsts.items()
        if counts[first] == 1 and len(first) >= 5 and first not in generic
    }


def add_name(
    names: dict[str, tuple[PlaceMention, ...]], name: str, mention: PlaceMention
) -> None:
    key = name_key(name)
    if key and mention not in names.get(key, ()):
        names[key] = (*names.get(key, ()), mention)


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


def suggest(text: str, *, knowledge: Knowledge | None = None) -> Suggestion:
    """Category, agencies and place mentions suggested for one report.

    With nothing to go on the category is "lainnya" (None when that category is
    not active) with confidence 0. `knowledge` saves the database reads when many
    reports are triaged at once; by default it is read fresh, so routing edits apply
    at once.
    """
    if knowledge is None:
        knowledge = load_knowledge()
    toks = tokens(text)
    finder = PlaceFinder(toks, knowledge)
    places = finder.run(text)
    words = [
        t.norm
        for i, t in enumerate(toks)
        if t.norm != BOUNDARY and i not in finder.masked
    ]
    votes, matched = score(words)
    category, confidence = choose(votes, knowledge.routing)
    agencies = knowledge.routing.get(category, ()) if category else ()
    return Suggestion(category, confidence, agencies, places, matched)
