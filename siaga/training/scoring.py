"""A trainee's score: time to classify, the right classification, category and
agencies, and how far their point lies from the right one.

The percentage counts one point per question asked: each call's classification; each
real report's category and agencies (not for a repeat rightly linked as a duplicate);
each real report's place, right within LOCATION_RIGHT_M (a place left empty or not found
is wrong). Time is reported beside it, not mixed into it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

from siaga.training.models import ExerciseCall

# Close enough to send a unit to the right street: the console's duplicate radius is
# 1 km, a landmark's own extent a few hundred metres.
LOCATION_RIGHT_M = 500


@dataclass(frozen=True)
class Score:
    calls: int
    answered: int
    classified_right: int
    real: int  # calls that were real emergencies
    details: int  # answered calls whose category and agencies are asked
    category_right: int
    agencies_right: int
    placeable: int  # answered real calls whose right point is known
    located: int  # of those, the ones the trainee placed somewhere
    location_right: int  # within LOCATION_RIGHT_M
    median_error_m: int | None
    worst_error_m: int | None
    median_seconds: float | None
    slowest_seconds: float | None

    @property
    def percent(self) -> int:
        asked = self.answered + 2 * self.details + self.placeable
        right = (
            self.classified_right
            + self.category_right
            + self.agencies_right
            + self.location_right
        )
        return round(100 * right / asked) if asked else 0


def score(calls: Iterable[ExerciseCall]) -> Score:
    calls = list(calls)
    answered = [c for c in calls if c.answered_at is not None]
    details = [c for c in answered if c.asks_details]
    placeable = [c for c in answered if c.placeable]
    errors = sorted(e for c in placeable if (e := c.location_error_m) is not None)
    seconds = sorted(s for c in answered if (s := c.seconds) is not None)
    return Score(
        calls=len(calls),
        answered=len(answered),
        classified_right=sum(c.classification_right for c in answered),
        real=sum(c.is_real for c in calls),
        details=len(details),
        category_right=sum(c.category_right for c in details),
        agencies_right=sum(c.agencies_right for c in details),
        placeable=len(placeable),
        located=len(errors),
        location_right=sum(error <= LOCATION_RIGHT_M for error in errors),
        median_error_m=round(median(errors)) if errors else None,
        worst_error_m=errors[-1] if errors else None,
        median_seconds=round(median(seconds), 1) if seconds else None,
        slowest_seconds=seconds[-1] if seconds else None,
    )
