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

Layout: `text` normalises, `rules` scores categories, `places` finds place mentions,
`knowledge` reads routing and place names from the database; this module puts them
together.
"""

from __future__ import annotations

from dataclasses import dataclass

from siaga.intake.suggest.knowledge import Knowledge, load_knowledge
from siaga.intake.suggest.places import PlaceFinder, PlaceMention, place_key
from siaga.intake.suggest.rules import choose, score
from siaga.intake.suggest.text import BOUNDARY, MAX_CHARS, normalise, tokens

__all__ = [
    "MAX_CHARS",
    "Knowledge",
    "PlaceMention",
    "Suggestion",
    "load_knowledge",
    "normalise",
    "place_key",
    "suggest",
]


@dataclass(frozen=True)
class Suggestion:
    """What the rules suggest for one report; `matched` lists the phrases that fired."""

    category: str | None
    confidence: float
    agencies: tuple[str, ...]
    places: tuple[PlaceMention, ...]
    matched: tuple[str, ...]


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
