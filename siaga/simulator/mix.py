"""What a day of Tangerang 112 brings: who reaches the centre, on which channel, with
what, from where. Pure and seeded: the same seed gives the same day.

The shares come from ../shared/reference/tangerang.md (assumptions named here):
- January 2026: 3 460 calls, 165 emergencies (about 5 %), so about 4.8 contacts an hour;
  about 30 % prank (2017), 45 % "fake or prank, silent included" (2024), so prank 30 %
  and silent 15 %; the rest non-emergency, information and wrong numbers.
- Top real categories: free ambulance, wild or stray animals, fire, fallen trees; floods
  and fallen trees in the rainy season (November to April, an assumption for the
  region; floods not at all in the dry months).
- Telcos route 112 by cell, so a border city receives calls from its neighbours: 8 %
  of real reports come from Kab. Tangerang, Tangsel or Jakarta (an assumption).
- One event is often reported more than once, across channels: 15 % of real events get
  one to three more reports within ten minutes (an assumption).
- Channels: 80 % calls, then WhatsApp, SMS, the city app, Telegram (an assumption).
- AML: 60 % of callers hold an Android phone, which sends its fix over HTTPS a few
  seconds into the call (an assumption: Android's share in Indonesia is higher, but not
  every operator and handset delivers AML).

Surges (`scenario`), on top of the ordinary day at the same rate:
- "flood": 85 % of contacts report water at one of five flooded spots (each one event,
  reported again and again), more of them by message than on a normal day;
- "prank-wave": 85 % of contacts are prank or silent calls from a dozen numbers (the
  school holidays' classic).

Residents describe places by landmarks ("patokan"): the texts name the data set's
landmarks and kelurahan; the point, when the channel carries one, lies near the
landmark (within about 300 m).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

REAL_RATE_PER_HOUR = 3460 / (31 * 24)
RAINY_MONTHS = frozenset({11, 12, 1, 2, 3, 4})

OUTCOMES: dict[str, float] = {
    "prank": 0.30,
    "silent": 0.15,
    "non_emergency": 0.25,
    "information": 0.18,
    "wrong_number": 0.05,
    "emergency": 0.07,
}
CHANNELS: dict[str, float] = {
    "call": 0.80,
    "whatsapp": 0.08,
    "sms": 0.05,
    "app": 0.05,
    "telegram": 0.02,
}
# Real categories, by weight; (dry season, rainy season).
CATEGORIES: dict[str, tuple[float, float]] = {
    "ambulans-gratis": (0.28, 0.24),
    "hewan-liar": (0.20, 0.16),
    "kebakaran": (0.14, 0.09),
    "pohon-tumbang": (0.07, 0.14),
    "banjir-bencana": (0.0, 0.10),
    "medis": (0.10, 0.08),
    "kecelakaan": (0.09, 0.08),
    "kriminalitas": (0.05, 0.04),
    "tawuran": (0.03, 0.03),
    "jalan-rusak": (0.02, 0.03),
    "lalu-lintas": (0.02, 0.01),
}
# A flood day moves residents to messages (photos of the water): an assumption.
FLOOD_CHANNELS: dict[str, float] = {
    "call": 0.55,
    "whatsapp": 0.20,
    "app": 0.12,
    "telegram": 0.08,
    "sms": 0.05,
}
SCENARIOS = ("day", "flood", "prank-wave")
SURGE_SHARE = 0.85
FLOOD_SPOTS = 5
WAVE_CALLERS = 12
AML_SHARE = 0.6
NEIGHBOUR_SHARE = 0.08
REPEAT_SHARE = 0.15
METRES_PER_DEGREE = 111_000
# The city's bounding box (south, west, north, east), from the outline in tangerang.md.
CITY_OUTLINE_BOX = (-6.26, 106.55, -6.09, 106.76)

WHAT: dict[str, list[str]] = {
    "ambulans-gratis": [
        "Mau minta ambulans gratis, ibu saya mau kontrol ke RSUD, tidak bisa jalan",
        "Pak, butuh ambulans untuk antar jenazah ke rumah duka",
        "Tolong ambulans gratis, bapak saya stroke mau dibawa ke rumah sakit",
    ],
    "hewan-liar": [
        "Ada ular kobra masuk rumah, anak-anak ketakutan",
        "Sarang tawon besar di plafon rumah, sudah ada yang tersengat",
        "Ada biawak di got depan rumah, warga takut",
    ],
    "kebakaran": [
        "Kebakaran! Rumah warga terbakar, apinya besar",
        "Ada asap tebal dari gudang, sepertinya kebakaran",
        "Motor terbakar di pinggir jalan",
    ],
    "pohon-tumbang": [
        "Pohon tumbang menutup jalan, mobil tidak bisa lewat",
        "Pohon besar roboh kena kabel listrik",
    ],
    "banjir-bencana": [
        "Banjir sudah selutut masuk rumah warga, ada lansia perlu dievakuasi",
        "Air kali meluap, jalan tergenang setinggi 50 cm",
        "Air makin naik, sudah sepinggang, tolong perahu karet",
        "Banjir lagi pak, motor-motor terendam, warga mengungsi ke masjid",
        "Tanggul jebol, air masuk perumahan deras sekali",
    ],
    "medis": [
        "Ada orang pingsan di pinggir jalan, tidak sadar",
        "Tetangga saya sesak napas berat, tolong",
    ],
    "kecelakaan": [
        "Kecelakaan motor dengan truk, ada korban luka",
        "Tabrakan beruntun, satu orang terjepit",
    ],
    "kriminalitas": [
        "Ada begal, korban dipukul dan motornya dibawa",
        "Maling ketahuan warga, sekarang dikepung",
    ],
    "tawuran": ["Tawuran pelajar, bawa senjata tajam"],
    "jalan-rusak": ["Jalan berlubang besar, sudah ada yang jatuh"],
    "lalu-lintas": ["Lampu merah mati, macet total"],
}
OTHER_WORDS: dict[str, list[str]] = {
    "non_emergency": [
        "Mau tanya cara bikin KTP yang hilang",
        "Sampah di depan rumah belum diangkut seminggu",
        "Lampu jalan mati sudah tiga hari",
    ],
    "information": [
        "Nomor ini untuk apa ya?",
        "Mau tanya jadwal vaksin di puskesmas",
    ],
    "prank": ["halo halo wkwk", "tes tes", "p"],
    "wrong_number": ["Maaf salah sambung"],
    "silent": [""],
}
WHERE = ["dekat {}", "depan {}", "belakang {}", "samping {}", "di gang dekat {}"]


@dataclass(frozen=True)
class Place:
    name: str
    lat: float
    lon: float
    neighbour: str = ""  # an area code when the place lies outside the city


@dataclass(frozen=True)
class Report:
    """One contact the simulator will send, and the answer it expects."""

    at: float  # seconds from the start of the run
    channel: str
    outcome: str  # the classification a good operator gives it
    category: str  # a real report's category, else ""
    text: str
    place: Place | None
    sender: str  # a national phone number
    event: int  # reports of the same happening share it; 0 for none
    repeat: bool = False  # another report of an event already reported
    handset: Place | None = None  # a call's AML fix, when the phone sends one


def places(dataset: dict[str, Any]) -> tuple[list[Place], list[Place]]:
    """The city's landmarks, and points in the neighbours (the centre of each
    neighbour's outline, named as residents would)."""
    home = [
        Place(mark["name"], mark["lat"], mark["lon"]) for mark in dataset["landmarks"]
    ]
    away = []
    for neighbour in dataset["neighbours"]:
        outline = neighbour["outline"]
        lat = sum(point[0] for point in outline) / len(outline)
        lon = sum(point[1] for point in outline) / len(outline)
        away.append(Place(neighbour["name"], lat, lon, neighbour["code"]))
    return home, away


class Day:
    """A seeded stream of reports at `rate` an hour for `seconds` seconds."""

    def __init__(
        self,
        dataset: dict[str, Any],
        *,
        seed: int,
        month: int,
        rate: float,
        scenario: str = "day",
    ) -> None:
        if scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {scenario!r}")
        self.random = random.Random(seed)  # noqa: S311 (a seeded simulation, not a secret)
        self.home, self.away = places(dataset)
        self.kelurahan = [row["name"] for row in dataset["kelurahan"]]
        self.rainy = month in RAINY_MONTHS or scenario == "flood"
        self.rate = rate
        self.scenario = scenario
        self.events = 0
        # A few frequent pranksters call again and again (graded nuisance handling).
        self.pranksters = [self.phone() for _ in range(8)]
        self.wave = [self.phone() for _ in range(WAVE_CALLERS)]
        self.spots = [
            (self.new_event(), place)
            for place in self.random.sample(self.home, FLOOD_SPOTS)
        ]
        self.reported: set[int] = set()

    def reports(self, seconds: float) -> list[Report]:
        found: list[Report] = []
        at = self.random.expovariate(self.rate / 3600)
        while at < seconds:
            found += self.contact(at)
            at += self.random.expovariate(self.rate / 3600)
        return sorted(
            (r for r in found if r.at < seconds), key=lambda report: report.at
        )

    def new_event(self) -> int:
        self.events += 1
        return self.events

    def contact(self, at: float) -> list[Report]:
        surge = self.scenario != "day" and self.random.random() < SURGE_SHARE
        if surge and self.scenario == "flood":
            return [self.flooded(at)]
        if surge:
            return [self.wave_call(at)]
        outcome = self.pick(OUTCOMES)
        channel = self.pick(CHANNELS)
        if outcome != "emergency":
            return [self.other(at, outcome, channel)]
        first = self.real(at, channel, self.new_event())
        if self.random.random() >= REPEAT_SHARE:
            return [first]
        again = [
            self.real(at + self.random.uniform(30, 600), self.pick(CHANNELS), 0, first)
            for _ in range(self.random.randint(1, 3))
        ]
        return [first, *again]

    def real(
        self, at: float, channel: str, event: int, same: Report | None = None
    ) -> Report:
        if same is not None:
            category, place, event = same.category, same.place, same.event
        else:
            category = self.category()
            place = self.place()
        assert place is not None
        where = self.random.choice(WHERE).format(place.name)
        text = f"{self.random.choice(WHAT[category])}, {where}"
        if not place.neighbour and self.random.random() < 0.5:
            text += f", Kel. {self.random.choice(self.kelurahan)}"
        point = self.near(place)
        return Report(
            at, channel, "emergency", category, text, point, self.phone(), event,
            repeat=same is not None, handset=self.handset(channel, point),
        )  # fmt: skip

    def flooded(self, at: float) -> Report:
        """A report of water at one of the day's flooded spots."""
        event, spot = self.random.choice(self.spots)
        channel = self.pick(FLOOD_CHANNELS)
        where = self.random.choice(WHERE).format(spot.name)
        text = f"{self.random.choice(WHAT['banjir-bencana'])}, {where}"
        repeat = event in self.reported
        self.reported.add(event)
        point = self.near(spot)
        return Report(
            at, channel, "emergency", "banjir-bencana", text, point, self.phone(),
            event, repeat=repeat, handset=self.handset(channel, point),
        )  # fmt: skip

    def wave_call(self, at: float) -> Report:
        """A prank or silent call from one of the wave's numbers."""
        outcome = "silent" if self.random.random() < 0.3 else "prank"
        text = self.random.choice(OTHER_WORDS[outcome])
        sender = self.random.choice(self.wave)
        return Report(
            at, "call", outcome, "", text, None, sender, 0,
            handset=self.handset("call", self.anywhere()),
        )  # fmt: skip

    def handset(self, channel: str, point: Place) -> Place | None:
        """Where a caller's Android phone says it is (AML), if it says."""
        if channel != "call" or self.random.random() >= AML_SHARE:
            return None
        return point

    def anywhere(self) -> Place:
        """A point somewhere in the city (a caller who names no place)."""
        south, west, north, east = CITY_OUTLINE_BOX
        return Place(
            "",
            round(self.random.uniform(south, north), 6),
            round(self.random.uniform(west, east), 6),
        )

    def other(self, at: float, outcome: str, channel: str) -> Report:
        if channel != "call" and outcome == "silent":
            outcome = "prank"  # a message is never silent
        sender = (
            self.random.choice(self.pranksters)
            if outcome == "prank" and self.random.random() < 0.4
            else self.phone()
        )
        text = self.random.choice(OTHER_WORDS[outcome])
        return Report(
            at, channel, outcome, "", text, None, sender, 0,
            handset=self.handset(channel, self.anywhere()),
        )  # fmt: skip

    def category(self) -> str:
        season = 1 if self.rainy else 0
        weights = {code: pair[season] for code, pair in CATEGORIES.items()}
        return self.pick({code: w for code, w in weights.items() if w > 0})

    def place(self) -> Place:
        if self.random.random() < NEIGHBOUR_SHARE:
            return self.random.choice(self.away)
        return self.random.choice(self.home)

    def near(self, place: Place) -> Place:
        """A point within about 300 m of the place (a handset's fix, a pin)."""
        spread = 300 / METRES_PER_DEGREE
        return Place(
            place.name,
            round(place.lat + self.random.uniform(-spread, spread), 6),
            round(place.lon + self.random.uniform(-spread, spread), 6),
            place.neighbour,
        )

    def phone(self) -> str:
        prefix = self.random.choice(["0812", "0813", "0821", "0857", "0878", "0896"])
        return prefix + "".join(str(self.random.randint(0, 9)) for _ in range(8))

    def pick(self, weights: dict[str, float]) -> str:
        names = list(weights)
        return self.random.choices(names, [weights[name] for name in names])[0]
