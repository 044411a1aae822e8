"""Units: one assignment wins under concurrent clicks, statuses follow their map and
carry the dispatch (and so the incident) along."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection
from pytest_django.fixtures import Settings

from siaga.accounts.models import User
from siaga.dispatching.actions import acknowledge_dispatch
from siaga.incidents.models import Incident, IncidentStatus
from siaga.lib.errors import Conflict, IllegalTransition
from siaga.units.actions import assign_unit, change_unit_status
from siaga.units.models import Station, Unit, UnitStatus

MakeIncident = Callable[..., Incident]
CLICKS = 8


def test_the_data_set_has_posts_and_units_for_the_team(db: None) -> None:
    assert Station.objects.count() >= 10
    kinds = set(Unit.objects.values_list("kind", flat=True))
    assert {"ambulance", "fire_engine", "rescue", "tree_crew", "patrol"} <= kinds
    assert (
        Unit.objects.filter(status=UnitStatus.AVAILABLE).count() == Unit.objects.count()
    )


def test_a_unit_goes_and_takes_the_incident_on_scene(
    make_incident: MakeIncident, damkar_operator: User
) -> None:
    incident = make_incident(agencies=("DAMKAR",))
    acknowledge_dispatch(incident.dispatches.get(), actor=damkar_operator)
    unit = Unit.objects.get(call_sign="DAMKAR-01")

    assign_unit(unit, incident=incident, actor=damkar_operator)
    change_unit_status(unit, status="en_route", actor=damkar_operator)
    change_unit_status(unit, status="on_scene", actor=damkar_operator)

    incident.refresh_from_db()
    assert incident.status == IncidentStatus.ON_SCENE
    assert incident.dispatches.get().status == "on_scene"
    with pytest.raises(IllegalTransition):
        change_unit_status(unit, status="at_hospital", actor=damkar_operator)
    done = change_unit_status(unit, status="available", actor=damkar_operator)
    assert done.incident is None and done.status == UnitStatus.AVAILABLE


def test_a_unit_goes_only_where_its_agency_was_sent(
    make_incident: MakeIncident, damkar_operator: User
) -> None:
    incident = make_incident(agencies=("DKP",))
    with pytest.raises(IllegalTransition):
        assign_unit(
            Unit.objects.get(call_sign="DAMKAR-01"), incident=incident, actor=None
        )


def test_a_busy_unit_cannot_be_assigned_again(make_incident: MakeIncident) -> None:
    first = make_incident(agencies=("DAMKAR",))
    second = make_incident(agencies=("DAMKAR",))
    unit = Unit.objects.get(call_sign="DAMKAR-02")
    assign_unit(unit, incident=first, actor=None)

    with pytest.raises(Conflict):
        assign_unit(unit, incident=second, actor=None)


def test_concurrent_clicks_assign_a_unit_exactly_once(
    dataset_restored: None, transactional_db: None, make_incident: MakeIncident
) -> None:
    incidents = [make_incident(agencies=("DINKES",)) for _ in range(CLICKS)]
    unit = Unit.objects.get(call_sign="AMB-119-01")
    start = threading.Barrier(CLICKS)
    outcomes: list[str] = []

    def click(incident: Incident) -> None:
        try:
            start.wait(timeout=30)
            assign_unit(unit, incident=incident, actor=None)
            outcomes.append("won")
        except Conflict:
            outcomes.append("refused")
        except BaseException as error:  # reported by the main thread
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(i,)) for i in incidents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(outcomes) == ["refused"] * (CLICKS - 1) + ["won"]
    unit.refresh_from_db()
    assert unit.status == UnitStatus.ASSIGNED and unit.incident in incidents


def test_a_misspelt_overdue_status_stops_the_start(
    settings: Settings,
) -> None:
    from siaga.units.apps import overdue_settings

    assert overdue_settings() == []
    settings.SIAGA_UNIT_OVERDUE_MINUTES = {"enroute": 20}
    assert [problem.id for problem in overdue_settings()] == ["units.E001"]
