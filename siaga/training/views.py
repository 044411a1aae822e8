"""Training pages (`/latihan/`): a supervisor starts exercises and reads every score; a
trainee picks up and answers their own exercise's calls."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from siaga.accounts.access import require
from siaga.accounts.models import User
from siaga.accounts.roles import ROLE_CAPABILITIES, Can
from siaga.agencies.models import Agency
from siaga.incidents.models import Category
from siaga.intake.models import Channel, Classification
from siaga.lib.errors import ActionError
from siaga.training.actions import (
    ANSWERS,
    Answer,
    answer_call,
    cancel_exercise,
    current_call,
    pick_up,
    start_exercise,
)
from siaga.training.models import Exercise, ExerciseCall
from siaga.training.scenarios import SCENARIOS
from siaga.training.scoring import LOCATION_RIGHT_M, score

RECENT = 50


def trainer_or_trainee(request: HttpRequest) -> User:
    user = request.user
    if isinstance(user, User) and (
        user.can(Can.RUN_TRAINING) or user.can(Can.TAKE_TRAINING)
    ):
        return user
    raise PermissionDenied("your role may not take or run training")


def visible_exercise(user: User, exercise_id: int) -> Exercise:
    """A trainee's own exercise, or any for a trainer; others are not found."""
    found = Exercise.objects.select_related("trainee", "started_by")
    if not user.can(Can.RUN_TRAINING):
        found = found.filter(trainee=user)
    exercise = found.filter(pk=exercise_id).first()
    if exercise is None:
        raise Http404("no such exercise")
    return exercise


def trainees() -> list[User]:
    roles = [
        role for role, held in ROLE_CAPABILITIES.items() if Can.TAKE_TRAINING in held
    ]
    return list(
        User.objects.filter(is_active=True, role__in=roles).order_by("role", "username")
    )


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = trainer_or_trainee(request)
    trainer = user.can(Can.RUN_TRAINING)
    exercises = Exercise.objects.select_related("trainee").prefetch_related("calls")
    if not trainer:
        exercises = exercises.filter(trainee=user)
    rows = [(e, score(e.calls.all())) for e in exercises[:RECENT]]
    context = {
        "trainer": trainer,
        "rows": rows,
        "scenarios": SCENARIOS.values(),
        "trainees": trainees() if trainer else [],
    }
    return render(request, "training/index.html", context)


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    user = require(request.user, Can.RUN_TRAINING)
    chosen = number(request.POST.get("trainee"))
    trainee = User.objects.filter(pk=chosen, is_active=True).first() if chosen else None
    try:
        if trainee is None:
            raise ActionError("choose a trainee", field="trainee")
        exercise = start_exercise(
            trainee=trainee, scenario=request.POST.get("scenario", ""), actor=user
        )
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("training:index")
    return redirect("training:exercise", exercise_id=exercise.pk)


@dataclass(frozen=True)
class Shown:
    """A call as the page shows it: codes put into the floor's words."""

    call: ExerciseCall
    channel: str
    classification: str
    right_classification: str
    category: str
    right_category: str


def shown(calls: list[ExerciseCall]) -> list[Shown]:
    classifications = {code: str(name) for code, name in Classification.choices}
    channels = {code: str(name) for code, name in Channel.choices}
    categories = dict(Category.objects.values_list("code", "name"))

    def named(names: dict[str, str], code: str) -> str:
        return str(names.get(code, code)) if code else ""

    return [
        Shown(
            call=c,
            channel=named(channels, c.channel),
            classification=named(classifications, c.classification),
            right_classification=named(classifications, c.right_classification),
            category=named(categories, c.category),
            right_category=named(categories, c.right_category),
        )
        for c in calls
    ]


@require_GET
def exercise_page(request: HttpRequest, exercise_id: int) -> HttpResponse:
    user = trainer_or_trainee(request)
    exercise = visible_exercise(user, exercise_id)
    calls = list(exercise.calls.all())
    context = {
        "exercise": exercise,
        "scenario": SCENARIOS.get(exercise.scenario),
        "calls": calls,
        "answered": shown([c for c in calls if c.answered_at is not None]),
        "current": next(
            iter(shown([c] if (c := current_call(exercise)) else [])), None
        ),
        "is_trainee": exercise.trainee_id == user.pk,
        "can_cancel": user.can(Can.RUN_TRAINING)
        and exercise.finished_at is None
        and exercise.trainee_id != user.pk,
        "location_right_m": LOCATION_RIGHT_M,
        "score": score(calls),
        "classifications": [
            (value, label)
            for value, label in Classification.choices
            if value in ANSWERS
        ],
        "categories": Category.objects.filter(is_active=True).order_by("name"),
        "agencies": Agency.objects.active().order_by("code"),
    }
    return render(request, "training/exercise.html", context)


@require_POST
def picking_up(request: HttpRequest, exercise_id: int) -> HttpResponse:
    user = trainer_or_trainee(request)
    exercise = visible_exercise(user, exercise_id)
    try:
        pick_up(exercise, actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("training:exercise", exercise_id=exercise.pk)


@require_POST
def answering(request: HttpRequest, exercise_id: int) -> HttpResponse:
    user = trainer_or_trainee(request)
    exercise = visible_exercise(user, exercise_id)
    answer = Answer(
        position=number(request.POST.get("position")),
        classification=request.POST.get("classification", ""),
        category=request.POST.get("category", ""),
        agencies=tuple(request.POST.getlist("agencies")[:20]),
        place=request.POST.get("place", ""),
    )
    try:
        answer_call(exercise, answer, actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("training:exercise", exercise_id=exercise.pk)


@require_POST
def cancelling(request: HttpRequest, exercise_id: int) -> HttpResponse:
    user = require(request.user, Can.RUN_TRAINING)
    exercise = visible_exercise(user, exercise_id)
    try:
        cancel_exercise(exercise, actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("training:exercise", exercise_id=exercise.pk)


def number(raw: str | None) -> int | None:
    """A positive whole number in ASCII digits ("²" is a digit to Python), else None."""
    if raw and raw.isascii() and raw.isdigit() and len(raw) < 10:
        return int(raw)
    return None
