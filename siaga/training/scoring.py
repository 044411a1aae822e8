"""A trainee's score: time to classify, the right classification, category and
agencies, and how far their point lies from the right one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

from siaga.training.models import ExerciseCall


@dataclass(frozen=True)
class Score:
    calls: int
    answered: int
    classified_right: int
    real: int  # calls that were real emergencies (category, agencies and place count)
    category_right: int
    agencies_right: int
    located: int  # real calls the trainee placed somewhere
    median_error_m: int | None
    worst_error_m: int | None
    median_seconds: float | None
    slowest_seconds: float | None

    @property
    def percent(self) -> int:
        """One figure: the share of right answers over every question asked (the
        classification of each call; the category and agencies of each real one)."""
        asked = self.calls + 2 * self.real
        right = self.classified_right + self.category_right + self.agencies_right
        return round(100 * right / asked) if asked else 0


def score(calls: Iterable[ExerciseCall]) -> Score:
    calls = list(calls)
    answered = [c for c in calls if c.answered_at is not None]
    real = [c for c in answered if c.is_real]
    errors = sorted(e for c in real if (e := c.location_error_m) is not None)
    seconds = sorted(s for c in answered if (s := c.seconds) is not None)
    return Score(
        calls=len(calls),
        answered=len(answered),
        classified_right=sum(c.classification_right for c in answered),
        real=len([c for c in calls if c.is_real]),
        category_right=sum(c.category_right for c in real),
        agencies_right=sum(c.agencies_right for c in real),
        located=len(errors),
        median_error_m=round(median(errors)) if errors else None,
        worst_error_m=errors[-1] if errors else None,
        median_seconds=round(median(seconds), 1) if seconds else None,
        slowest_seconds=seconds[-1] if seconds else None,
    )
