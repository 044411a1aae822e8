"""Type-ahead for places the way callers say them: landmarks, main streets, kelurahan,
kecamatan.

Filler words of Indonesian addresses ("Jl.", "Gg.", "Kel.", "dekat", "depan"…) are
dropped before fuzzy matching, so "depan psr anyar" still finds Pasar Anyar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from siaga.areas.geocode import geocode
from siaga.areas.models import Area, AreaKind, Landmark

FILLER = re.compile(
    r"\b(jl|jln|jalan|gg|gang|kel|kelurahan|kec|kecamatan|rt|rw|no|depan|dekat|"
    r"samping|belakang|sebelah|seberang|di|ke|arah)\b\.?",
    re.IGNORECASE,
)
LIMIT = 8
FEW = 3  # below this many local matches, the outside geocoder (if any) is asked
CUTOFF = 60


@dataclass(frozen=True)
class PlaceHit:
    label: str
    kind: str
    lat: float | None
    lon: float | None
    landmark_id: int | None = None


def clean_query(query: str) -> str:
    return " ".join(FILLER.sub(" ", query).split())


def candidates() -> list[tuple[str, PlaceHit]]:
    """(text to match, hit) for each landmark name and alias, kelurahan, kecamatan."""
    found: list[tuple[str, PlaceHit]] = []
    for landmark in Landmark.objects.filter(is_active=True):
        kind = "jalan" if landmark.kind == "jalan" else "patokan"
        hit = PlaceHit(landmark.name, kind, landmark.lat, landmark.lon, landmark.pk)
        names = [landmark.name, *(a.strip() for a in landmark.aliases.split(","))]
        # "Jl. Daan Mogot" is matched as "Daan Mogot", the way queries are cleaned.
        found += [(clean_query(name) or name, hit) for name in names if name]
    areas = Area.objects.filter(kind__in=[AreaKind.KELURAHAN, AreaKind.KECAMATAN])
    for area in areas.select_related("parent"):
        prefix = "Kel." if area.kind == AreaKind.KELURAHAN else "Kec."
        parent = (
            f", Kec. {area.parent.name}"
            if area.kind == AreaKind.KELURAHAN and area.parent
            else ""
        )
        label = f"{prefix} {area.name}{parent}"
        found.append(
            (area.name, PlaceHit(label, area.kind, area.centre_lat, area.centre_lon))
        )
    return found


def search_places(query: str, *, outside: bool = True) -> list[PlaceHit]:
    """The best matches, best first, one row per place; with `outside`, an outside
    geocoder (if configured) may add some when the gazetteer finds few."""
    cleaned = clean_query(query)
    if len(cleaned) < 2:
        return []
    choices = candidates()
    matches = process.extract(
        cleaned,
        [text for text, _ in choices],
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=LIMIT * 3,
        score_cutoff=CUTOFF,
    )
    hits: list[PlaceHit] = []
    for _, _, index in matches:
        hit = choices[index][1]
        if hit not in hits:
            hits.append(hit)
    if outside and len(hits) < FEW:
        hits += [
            PlaceHit(label, "geocoder", lat, lon)
            for lat, lon, label in geocode(query.strip()[:200])
        ]
    return hits[:LIMIT]
