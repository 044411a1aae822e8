"""A training exercise: a scenario's scripted calls for one trainee, with the right
answers and the trainee's.

Training never touches the live tables (contacts, incidents, dispatches): a scripted
call is a row here, not a contact, so nothing of it can be counted in the statistics,
shown on the wallboard, sent to an agency or referred to a neighbour. These tables are
the flag. Its actions still write the one event log ("training.*").
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from siaga.lib.geo import distance_m


class Exercise(models.Model):
    scenario = models.CharField(_("skenario"), max_length=40)
    seed = models.PositiveIntegerField(_("benih"))
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="exercises",
        verbose_name=_("peserta"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("dimulai oleh"),
    )
    started_at = models.DateTimeField(_("dimulai"))
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("latihan")
        verbose_name_plural = _("latihan")

    def __str__(self) -> str:
        return f"latihan {self.pk} · {self.scenario}"

    @property
    def event_label(self) -> str:
        return str(self)


class ExerciseCall(models.Model):
    """One scripted call: what the caller says, the right answer, the trainee's."""

    exercise = models.ForeignKey(
        Exercise, on_delete=models.CASCADE, related_name="calls"
    )
    position = models.PositiveSmallIntegerField()
    channel = models.CharField(max_length=20)
    caller = models.CharField(max_length=40)
    words = models.TextField(blank=True)
    # The right answer. A repeat may also be classified as a duplicate.
    right_classification = models.CharField(max_length=20)
    right_category = models.CharField(max_length=40, blank=True)
    right_agencies = models.JSONField(default=list)
    right_place = models.CharField(max_length=200, blank=True)
    right_lat = models.FloatField(null=True, blank=True)
    right_lon = models.FloatField(null=True, blank=True)
    repeat = models.BooleanField(default=False)
    # The trainee's.
    presented_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    classification = models.CharField(max_length=20, blank=True)
    category = models.CharField(max_length=40, blank=True)
    agencies = models.JSONField(default=list)
    place = models.CharField(max_length=200, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["exercise", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "position"], name="one_call_per_position"
            )
        ]

    def __str__(self) -> str:
        return f"latihan {self.exercise_id} panggilan {self.position}"

    @property
    def is_real(self) -> bool:
        return self.right_classification == "emergency"

    @property
    def seconds(self) -> float | None:
        """From picking the call up to the classification."""
        if self.presented_at is None or self.answered_at is None:
            return None
        return round(_seconds(self.answered_at, self.presented_at), 1)

    @property
    def classification_right(self) -> bool:
        allowed = {self.right_classification}
        if self.repeat:
            allowed.add("duplicate")
        return self.classification in allowed

    @property
    def category_right(self) -> bool:
        return self.category == self.right_category

    @property
    def agencies_right(self) -> bool:
        return sorted(self.agencies) == sorted(self.right_agencies)

    @property
    def location_error_m(self) -> int | None:
        """Metres from the trainee's point to the right one (None: nothing to
        compare, or the trainee located nothing)."""
        points = (self.lat, self.lon, self.right_lat, self.right_lon)
        if any(value is None for value in points):
            return None
        lat, lon, right_lat, right_lon = (float(v) for v in points)  # type: ignore[arg-type]
        return round(distance_m(lat, lon, right_lat, right_lon))


def _seconds(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds()
