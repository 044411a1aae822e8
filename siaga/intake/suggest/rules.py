"""Category keyword rules and their scoring.

Weighted keyword phrases vote for a category; a negator just before a phrase
("bukan kebakaran") silences it; a word one typo away from a rule word (seven letters
or more) counts as that word.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import NamedTuple

from rapidfuzz.distance import Levenshtein

from siaga.intake.suggest.text import slang, squeeze

FALLBACK = "lainnya"

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

# A negator within two words before a phrase silences it. "Kirain" ("I thought
# it was") works like one: "kirain kebakaran, ternyata…". "Belum" is no negator:
# "belum pulang" is the very signal of a missing person.
NEGATORS = frozenset({"bukan", "tidak", "tanpa", "jangan", "kirain", "dikira"})
NEGATION_WINDOW = 2


class Phrase(NamedTuple):
    words: tuple[str, ...]
    category: str
    weight: float
    text: str


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
