"""The alert actions: numbers, events, shapes, and what they refuse."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.checks import Error
from django.test import override_settings
from django.utils import timezone

from siaga.accounts.models import User
from siaga.alerts.actions import Where, cancel_alert, update_alert
from siaga.alerts.apps import cap_settings
from siaga.alerts.geometry import MAX_POLYGON_POINTS, cap_polygons
from siaga.alerts.models import Alert, MsgType
from siaga.alerts.tests.capcheck import polygon_problems
from siaga.alerts.tests.helpers import info, make_alert
from siaga.areas.models import Area
from siaga.events.models import Event
from siaga.lib.errors import IllegalTransition, InvalidInput


def test_identifiers_count_up_by_wib_day(supervisor: User) -> None:
    # 18:00 UTC on 4 December is already 5 December in Tangerang.
    with time_machine.travel(datetime(2026, 12, 4, 18, 0, tzinfo=UTC), tick=False):
        first = make_alert(supervisor)
        second = make_alert(supervisor)

    assert first.identifier == "TNG-ALERT-20261205-0001"
    assert second.identifier == "TNG-ALERT-20261205-0002"
    assert first.sent_at.microsecond == 0


def test_issuing_logs_one_event_with_the_alert(supervisor: User) -> None:
    alert = make_alert(supervisor)

    event = Event.objects.get(action="alert.issued")
    assert (event.actor, event.target_label) == (supervisor, alert.identifier)
    assert event.after is not None
    assert event.after["headline"] == alert.headline
    assert event.after["msg_type"] == "Alert"


def test_a_refused_alert_leaves_no_row_and_no_event(supervisor: User) -> None:
    with pytest.raises(InvalidInput) as refused:
        make_alert(supervisor, areas=())

    assert refused.value.field == "areas"
    assert not Alert.objects.exists()
    assert not Event.objects.filter(action__startswith="alert.").exists()


def _same(alert: Alert) -> Where:
    codes = [row.code for row in alert.areas.all()]
    return Where(areas=list(Area.objects.filter(code__in=codes)))


def test_only_the_newest_message_of_a_chain_can_change(supervisor: User) -> None:
    alert = make_alert(supervisor)
    update = update_alert(
        alert, info=info(headline="Baru"), where=_same(alert), actor=supervisor
    )

    with pytest.raises(IllegalTransition):
        cancel_alert(alert, actor=supervisor)
    with pytest.raises(IllegalTransition):
        update_alert(alert, info=info(), where=_same(alert), actor=supervisor)
    cancel = cancel_alert(update, actor=supervisor)
    with pytest.raises(IllegalTransition):
        cancel_alert(cancel, actor=supervisor)
    assert update.status == alert.status
    assert cancel.msg_type == MsgType.CANCEL
    assert cancel.headline == "Baru"  # a Cancel repeats what it withdraws
    assert [a.description for a in cancel.areas.all()] == [
        a.description for a in update.areas.all()
    ]


def test_an_expired_alert_cannot_be_cancelled(supervisor: User) -> None:
    alert = make_alert(supervisor, expires_at=timezone.now() + timedelta(hours=1))

    with (
        time_machine.travel(timezone.now() + timedelta(hours=2)),
        pytest.raises(IllegalTransition),
    ):
        cancel_alert(alert, actor=supervisor)


def test_a_multipolygon_gives_one_closed_polygon_per_part() -> None:
    square = [[106.6, -6.1], [106.7, -6.1], [106.7, -6.2], [106.6, -6.2], [106.6, -6.1]]
    far = [[[x + 1, y] for x, y in square]]
    hole = [[106.62, -6.12], [106.63, -6.12], [106.63, -6.13], [106.62, -6.12]]
    geojson = json.dumps({"type": "MultiPolygon", "coordinates": [[square, hole], far]})

    polygons = cap_polygons(geojson)

    assert len(polygons) == 2  # the hole is not a CAP polygon
    assert polygons[0] == "-6.1,106.6 -6.1,106.7 -6.2,106.7 -6.2,106.6 -6.1,106.6"
    assert all(polygon_problems(p) == [] for p in polygons)


def test_a_fine_boundary_is_simplified_to_the_point_limit() -> None:
    import math

    ring = [
        [
            106.6 + 0.05 * math.cos(i / 500 * 2 * math.pi),
            -6.2 + 0.05 * math.sin(i / 500 * 2 * math.pi),
        ]
        for i in range(500)
    ]
    ring.append(ring[0])

    (polygon,) = cap_polygons(json.dumps({"type": "Polygon", "coordinates": [ring]}))

    assert 4 <= len(polygon.split(" ")) <= MAX_POLYGON_POINTS
    assert polygon_problems(polygon) == []


@pytest.mark.parametrize(
    "overrides",
    [{"SIAGA_CAP_SENDER": "112 tangerang"}, {"SIAGA_CAP_SENDER": "a,b"}],
)
def test_a_sender_cap_cannot_carry_is_a_startup_error(
    overrides: dict[str, str],
) -> None:
    with override_settings(**overrides):
        problems = cap_settings()

    assert [p.id for p in problems] == ["alerts.E001"]
    assert isinstance(problems[0], Error)


def test_the_default_settings_pass_the_check() -> None:
    assert cap_settings() == []
