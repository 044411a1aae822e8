"""Training (siaga/training): a supervisor starts an exercise, the trainee picks up and
answers each scripted call, and is scored on the time to classify, the classification,
category, agencies and how far off their location is."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from siaga.accounts.models import User
from siaga.accounts.roles import Role
from siaga.areas.models import Landmark
from siaga.events.models import Event
from siaga.testing import make_user, page_client
from siaga.training.actions import start_exercise
from siaga.training.models import Exercise, ExerciseCall
from siaga.training.scenarios import SCENARIOS, script
from siaga.training.scoring import score

SECONDS_TO_CLASSIFY = 12
Answering = dict[str, object] | Callable[[ExerciseCall], dict[str, object]]


def started(client: Client, trainee: User, scenario: str = "campuran") -> Exercise:
    response = client.post(
        "/latihan/mulai/", {"trainee": trainee.pk, "scenario": scenario}
    )
    exercise = Exercise.objects.get(trainee=trainee, finished_at__isnull=True)
    assert response.status_code == 302
    assert response["Location"] == f"/latihan/{exercise.pk}/"
    return exercise


def right_answer(call: ExerciseCall) -> dict[str, object]:
    return {
        "classification": call.right_classification,
        "category": call.right_category,
        "agencies": call.right_agencies,
        "place": call.right_place,
    }


def play(client: Client, exercise: Exercise, answer: Answering) -> None:
    """Pick up and answer every call, each SECONDS_TO_CLASSIFY after picking up."""
    moment = timezone.now()
    with time_machine.travel(moment, tick=False) as clock:
        for call in exercise.calls.all():
            assert client.post(f"/latihan/{exercise.pk}/angkat/").status_code == 302
            clock.shift(timedelta(seconds=SECONDS_TO_CLASSIFY))
            body = answer if isinstance(answer, dict) else answer(call)
            body = body | {"position": call.position}
            assert (
                client.post(f"/latihan/{exercise.pk}/jawab/", body).status_code == 302
            )
            clock.shift(timedelta(seconds=30))


def test_a_trainee_answering_right_scores_full_marks(
    supervisor: User, call_taker: User
) -> None:
    exercise = started(page_client(supervisor), call_taker)
    trainee = page_client(call_taker)

    play(trainee, exercise, right_answer)

    exercise.refresh_from_db()
    result = score(exercise.calls.all())
    assert exercise.finished_at is not None
    assert result.calls == result.answered == 12 and result.real == 6
    assert result.percent == 100
    assert result.median_seconds == result.slowest_seconds == SECONDS_TO_CLASSIFY
    # The trainee typed the landmark the caller named: the gazetteer's point.
    assert result.located == 6 and result.worst_error_m == 0
    actions = list(
        Event.objects.filter(target_type="exercise", target_id=str(exercise.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions[0] == "training.started" and actions[-1] == "training.finished"
    assert actions.count("training.answered") == 12
    page = trainee.get(f"/latihan/{exercise.pk}/").content.decode()
    assert "100%" in page and "Nilai" in page


def test_wrong_answers_and_a_far_place_are_scored_as_such(
    supervisor: User, call_taker: User
) -> None:
    exercise = started(page_client(supervisor), call_taker)

    play(
        page_client(call_taker),
        exercise,
        {"classification": "prank", "category": "", "place": "Bandara Soekarno-Hatta"},
    )

    calls = list(exercise.calls.all())
    result = score(calls)
    pranks = sum(c.right_classification == "prank" for c in calls)
    assert result.classified_right == pranks and result.category_right == 0
    assert result.agencies_right == 0 and result.percent < 50
    assert result.median_error_m is not None and result.median_error_m > 1_000
    page = page_client(call_taker).get(f"/latihan/{exercise.pk}/").content.decode()
    assert 'class="wrong">Iseng / prank → Darurat' in page  # the floor's words


def test_a_repeat_of_a_flooded_spot_may_be_called_a_duplicate(
    supervisor: User, call_taker: User
) -> None:
    exercise = started(page_client(supervisor), call_taker, "banjir")
    repeats = [c for c in exercise.calls.all() if c.repeat]
    assert repeats, "a flood script repeats a spot"

    play(
        page_client(call_taker),
        exercise,
        lambda call: (
            right_answer(call)
            | ({"classification": "duplicate"} if call.repeat else {})
        ),
    )

    assert score(exercise.calls.all()).classified_right == len(exercise.calls.all())


def test_only_the_trainee_answers_and_other_trainees_do_not_see_it(
    supervisor: User, call_taker: User
) -> None:
    exercise = started(page_client(supervisor), call_taker)
    other = page_client(make_user("budi", Role.CALL_TAKER))
    boss = page_client(supervisor)

    assert other.get(f"/latihan/{exercise.pk}/").status_code == 404
    assert other.post(f"/latihan/{exercise.pk}/angkat/").status_code == 404
    assert other.post("/latihan/mulai/", {"trainee": 1}).status_code == 403
    assert (
        f'data-exercise="{exercise.pk}"' not in other.get("/latihan/").content.decode()
    )
    assert f'data-exercise="{exercise.pk}"' in boss.get("/latihan/").content.decode()
    assert boss.get(f"/latihan/{exercise.pk}/").status_code == 200
    refused = boss.post(f"/latihan/{exercise.pk}/angkat/", follow=True)
    assert "only the trainee" in refused.content.decode()
    assert not exercise.calls.filter(presented_at__isnull=False).exists()


@pytest.mark.parametrize(
    "body, message",
    [
        ({"classification": "xx"}, "choose a classification"),
        ({"classification": "emergency", "category": "nope"}, "no category"),
        ({"classification": "emergency", "agencies": ["NOPE"]}, "no agency"),
        ({"classification": "emergency", "place": "x" * 201}, "too long"),
        ({"classification": "emergency", "place": "Pasar\x00"}, "NUL"),
        ({"classification": "emergency", "agencies": ["DAM\x00KAR"]}, "NUL"),
        ({"classification": "prank", "position": "2"}, "for another call"),
        ({"classification": "prank", "position": "²"}, "for another call"),
    ],
)
def test_a_bad_answer_is_a_message_and_the_call_stays_open(
    supervisor: User, call_taker: User, body: dict[str, object], message: str
) -> None:
    exercise = started(page_client(supervisor), call_taker)
    trainee = page_client(call_taker)
    trainee.post(f"/latihan/{exercise.pk}/angkat/")

    response = trainee.post(
        f"/latihan/{exercise.pk}/jawab/", {"position": "1"} | body, follow=True
    )

    assert response.status_code == 200 and message in response.content.decode()
    assert not exercise.calls.filter(answered_at__isnull=False).exists()


def test_answering_before_picking_up_and_a_second_exercise_are_refused(
    supervisor: User, call_taker: User
) -> None:
    boss = page_client(supervisor)
    exercise = started(boss, call_taker)
    trainee = page_client(call_taker)

    early = trainee.post(
        f"/latihan/{exercise.pk}/jawab/", {"classification": "prank"}, follow=True
    )
    twice = boss.post(
        "/latihan/mulai/",
        {"trainee": call_taker.pk, "scenario": "campuran"},
        follow=True,
    )
    nobody = boss.post("/latihan/mulai/", {"trainee": "x", "scenario": "campuran"})
    squared = boss.post("/latihan/mulai/", {"trainee": "²", "scenario": "campuran"})

    assert "pick up a call first" in early.content.decode()
    assert "unfinished exercise" in twice.content.decode()
    assert nobody.status_code == squared.status_code == 302
    assert Exercise.objects.count() == 1


def test_a_supervisor_cancels_an_exercise_and_the_trainee_may_start_again(
    supervisor: User, call_taker: User
) -> None:
    boss, trainee = page_client(supervisor), page_client(call_taker)
    exercise = started(boss, call_taker)
    trainee.post(f"/latihan/{exercise.pk}/angkat/")

    refused = trainee.post(f"/latihan/{exercise.pk}/batal/")
    boss.post(f"/latihan/{exercise.pk}/batal/")
    late = trainee.post(
        f"/latihan/{exercise.pk}/jawab/",
        {"position": "1", "classification": "prank"},
        follow=True,
    )

    exercise.refresh_from_db()
    assert refused.status_code == 403
    assert exercise.cancelled and exercise.finished_at is not None
    assert "this exercise is finished" in late.content.decode()
    assert Event.objects.filter(action="training.cancelled").count() == 1
    assert started(boss, call_taker).pk != exercise.pk


def test_an_agency_operator_is_no_trainee(supervisor: User) -> None:
    damkar = make_user("damkar-op", Role.AGENCY_OPERATOR, "DAMKAR")
    with pytest.raises(Exception, match="may not take training"):
        start_exercise(trainee=damkar, scenario="banjir", actor=supervisor)


@pytest.mark.parametrize("code", list(SCENARIOS))
def test_a_script_is_its_seed_and_has_the_scenarios_mix(db: None, code: str) -> None:
    calls = script(code, 41, 7)
    scenario = SCENARIOS[code]

    assert calls == script(code, 41, 7) and calls != script(code, 42, 7)
    real = [c for c in calls if c.classification == "emergency"]
    assert (len(real), len(calls) - len(real)) == (scenario.real, scenario.other)
    for call in real:  # every real call has an answer to score against
        assert call.category and call.agencies and call.lat is not None, call
        assert call.place and call.place in call.words


def test_a_supervisor_training_cannot_cancel_their_own_exercise(
    supervisor: User, admin_user: User
) -> None:
    exercise = started(page_client(admin_user), supervisor)

    refused = page_client(supervisor).post(
        f"/latihan/{exercise.pk}/batal/", follow=True
    )

    assert "cannot cancel their own exercise" in refused.content.decode()
    exercise.refresh_from_db()
    assert exercise.finished_at is None


def test_without_landmarks_an_exercise_is_refused_with_a_reason(
    supervisor: User, call_taker: User
) -> None:
    Landmark.objects.update(is_active=False)

    response = page_client(supervisor).post(
        "/latihan/mulai/",
        {"trainee": call_taker.pk, "scenario": "campuran"},
        follow=True,
    )

    assert "no landmarks are loaded" in response.content.decode()
    assert not Exercise.objects.exists()
