"""Actions on training: a supervisor starts an exercise for a trainee; the trainee
picks up each scripted call in turn and answers it. Every change writes the event log
("training.*"), which the live feed, the statistics and the agencies never read."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from siaga.accounts.models import User
from siaga.accounts.roles import Can
from siaga.agencies.models import Agency
from siaga.areas.search import search_places
from siaga.events.log import append_event
from siaga.incidents.models import Category
from siaga.intake.models import Classification
from siaga.lib.errors import Conflict, IllegalTransition, InvalidInput
from siaga.training.models import Exercise, ExerciseCall
from siaga.training.scenarios import SCENARIOS, script
from siaga.training.scoring import score

# What a call taker may answer (unclassified is no answer; a test call is not scripted).
ANSWERS = frozenset(Classification.values) - {
    Classification.UNCLASSIFIED,
    Classification.TEST,
}


@transaction.atomic
def start_exercise(
    *, trainee: User, scenario: str, actor: User, seed: int | None = None
) -> Exercise:
    """A new exercise of `scenario` for `trainee`, one unfinished at a time."""
    if scenario not in SCENARIOS:
        raise InvalidInput(f"no scenario {scenario!r}", field="scenario")
    if not trainee.can(Can.TAKE_TRAINING):
        raise InvalidInput(f"{trainee} may not take training", field="trainee")
    # The trainee's row is the lock: two supervisors starting at once wait in turn.
    User.objects.select_for_update().filter(pk=trainee.pk).first()
    if Exercise.objects.filter(trainee=trainee, finished_at__isnull=True).exists():
        raise Conflict(f"{trainee} has an unfinished exercise")
    exercise = Exercise.objects.create(
        scenario=scenario,
        seed=secrets.randbelow(1_000_000) if seed is None else seed,
        trainee=trainee,
        started_by=actor,
        started_at=timezone.now(),
    )
    month = timezone.localtime(exercise.started_at).month
    calls = script(scenario, exercise.seed, month)
    ExerciseCall.objects.bulk_create(
        ExerciseCall(
            exercise=exercise,
            position=position,
            channel=call.channel,
            caller=call.caller,
            words=call.words,
            right_classification=call.classification,
            right_category=call.category,
            right_agencies=call.agencies,
            right_place=call.place,
            right_lat=call.lat,
            right_lon=call.lon,
            repeat=call.repeat,
        )
        for position, call in enumerate(calls, start=1)
    )
    append_event(
        actor=actor,
        action="training.started",
        target=exercise,
        after={"trainee": trainee.get_username(), "scenario": scenario},
    )
    return exercise


def current_call(exercise: Exercise) -> ExerciseCall | None:
    """The call picked up and not yet answered."""
    return exercise.calls.filter(
        presented_at__isnull=False, answered_at__isnull=True
    ).first()


@transaction.atomic
def pick_up(exercise: Exercise, *, actor: User) -> ExerciseCall:
    """The trainee picks up the next call; the clock to classify starts."""
    exercise = locked(exercise, actor)
    found = current_call(exercise)
    if found is not None:
        return found
    call = exercise.calls.filter(presented_at__isnull=True).first()
    if call is None:
        raise IllegalTransition("every call of this exercise is answered")
    call.presented_at = timezone.now()
    call.save(update_fields=["presented_at"])
    append_event(
        actor=actor,
        action="training.picked_up",
        target=exercise,
        after={"position": call.position},
    )
    return call


@dataclass(frozen=True)
class Answer:
    position: int | None  # the call the form was shown for
    classification: str
    category: str = ""
    agencies: tuple[str, ...] = ()
    place: str = ""  # as typed; located through the gazetteer's search


@transaction.atomic
def answer_call(exercise: Exercise, answer: Answer, *, actor: User) -> ExerciseCall:
    """The trainee's answer to the call they picked up; the last one ends the
    exercise."""
    exercise = locked(exercise, actor)
    call = current_call(exercise)
    if call is None:
        raise IllegalTransition("pick up a call first")
    if answer.position != call.position:
        raise Conflict(f"this answer is for another call; call {call.position} is open")
    checked(answer)
    call.classification = answer.classification
    call.category = answer.category
    call.agencies = sorted(set(answer.agencies))
    call.place = answer.place.strip()
    call.place_found, call.lat, call.lon = located(call.place)
    call.answered_at = timezone.now()
    call.save()
    append_event(
        actor=actor,
        action="training.answered",
        target=exercise,
        after={
            "position": call.position,
            "seconds": call.seconds,
            "classification_right": call.classification_right,
            "category_right": call.category_right,
            "agencies_right": call.agencies_right,
            "location_error_m": call.location_error_m,
        },
    )
    if not exercise.calls.filter(answered_at__isnull=True).exists():
        finish(exercise, actor)
    return call


def finish(exercise: Exercise, actor: User) -> None:
    exercise.finished_at = timezone.now()
    exercise.save(update_fields=["finished_at"])
    result = score(exercise.calls.all())
    append_event(
        actor=actor,
        action="training.finished",
        target=exercise,
        after={"percent": result.percent, "median_seconds": result.median_seconds},
    )


@transaction.atomic
def cancel_exercise(exercise: Exercise, *, actor: User) -> Exercise:
    """A trainer ends an exercise unfinished (the trainee is needed on the floor); the
    calls answered so far keep their score."""
    exercise = Exercise.objects.select_for_update().get(pk=exercise.pk)
    if exercise.trainee_id == actor.pk:
        raise IllegalTransition("a trainee cannot cancel their own exercise")
    if exercise.finished_at is not None:
        raise IllegalTransition("this exercise is finished")
    exercise.finished_at = timezone.now()
    exercise.cancelled = True
    exercise.save(update_fields=["finished_at", "cancelled"])
    answered = exercise.calls.filter(answered_at__isnull=False).count()
    append_event(
        actor=actor,
        action="training.cancelled",
        target=exercise,
        after={"answered": answered},
    )
    return exercise


def locked(exercise: Exercise, actor: User) -> Exercise:
    """The exercise, locked; only its own trainee answers it, and only while open."""
    exercise = Exercise.objects.select_for_update().get(pk=exercise.pk)
    if exercise.trainee_id != actor.pk:
        raise IllegalTransition("only the trainee answers their exercise")
    if exercise.finished_at is not None:
        raise IllegalTransition("this exercise is finished")
    return exercise


def checked(answer: Answer) -> None:
    typed = [answer.classification, answer.category, answer.place, *answer.agencies]
    if any("\x00" in value for value in typed):
        raise InvalidInput("the answer contains a NUL character")
    if answer.classification not in ANSWERS:
        raise InvalidInput("choose a classification", field="classification")
    if answer.category and not Category.objects.filter(code=answer.category).exists():
        raise InvalidInput(f"no category {answer.category!r}", field="category")
    known = set(
        Agency.objects.filter(code__in=answer.agencies).values_list("code", flat=True)
    )
    if unknown := set(answer.agencies) - known:
        raise InvalidInput(f"no agency {sorted(unknown)[0]!r}", field="agencies")
    if len(answer.place) > 200:
        raise InvalidInput("the place is too long", field="place")


def located(typed: str) -> tuple[str, float | None, float | None]:
    """The gazetteer's best match for what the trainee typed, as the console's place
    search finds it (no outside geocoder: an exercise must not leave the centre)."""
    hits = search_places(typed, outside=False) if typed else []
    hit = hits[0] if hits else None
    if hit is None or hit.lat is None or hit.lon is None:
        return "", None, None
    return hit.label, hit.lat, hit.lon
