"""What the suggestions read from the database: the routing of the active
categories and the names of areas and landmarks, indexed for the place matcher."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from siaga.areas.models import Area, AreaKind, Landmark
from siaga.incidents.models import Category
from siaga.intake.suggest.places import COMMON, LANDMARK_WORDS, NEVER_BARE, PlaceMention
from siaga.intake.suggest.text import normalise


@dataclass(frozen=True)
class Knowledge:
    """What the suggestion reads from the database: routing and place names.

    `areas` and `landmarks` map a name without spaces ("ciledug", "pasaranyar") to
    its mentions, one per kind.
    """

    routing: Mapping[str, tuple[str, ...]]
    areas: Mapping[str, tuple[PlaceMention, ...]]
    landmarks: Mapping[str, tuple[PlaceMention, ...]]


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
    # Streets are found by their "Jl."/"Gg." form (places.py), not as landmarks.
    rows = (
        Landmark.objects.filter(is_active=True)
        .exclude(kind="jalan")
        .values_list("name", "aliases")
    )
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
