"""A free-ambulance trip tracked end to end: written down, the unit's statuses fill its
times, the crew records the handover, the unit's return closes it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from siaga.accounts.models import User
from siaga.areas.models import Landmark
from siaga.events.models import Event
from siaga.incidents.models import Incident
from siaga.lib.errors import Conflict, IllegalTransition, InvalidInput
from siaga.testing import page_client
from siaga.units.actions import (
    assign_unit,
    change_unit_status,
    plan_trip,
    record_handover,
)
from siaga.units.forms import TripForm
from siaga.units.models import AmbulanceTrip, Unit

MakeIncident = Callable[..., Incident]


def hospital() -> Landmark:
    return Landmark.objects.get(name="RSUD Kota Tangerang")


def test_a_trip_goes_from_pickup_to_return(
    make_incident: MakeIncident, dinkes_operator: User
) -> None:
    incident = make_incident(category="ambulans-gratis", agencies=("DINKES",))
    plan_trip(
        incident,
        actor=dinkes_operator,
        patient_name="Ibu Sumarni",
        patient_age=67,
        destination=hospital(),
        eligibility_note="KTP Kota Tangerang",
        is_eligible=True,
    )
    unit = Unit.objects.get(call_sign="AMB-119-01")

    assign_unit(unit, incident=incident, actor=dinkes_operator)
    for status in ("en_route", "on_scene", "transporting", "at_hospital"):
        change_unit_status(unit, status=status, actor=dinkes_operator)
    record_handover(
        AmbulanceTrip.objects.get(incident=incident),
        received_by="Ners Dewi (IGD)",
        actor=dinkes_operator,
    )
    change_unit_status(unit, status="available", actor=dinkes_operator)

    trip = AmbulanceTrip.objects.get(incident=incident)
    assert trip.unit == unit and trip.destination_name == "RSUD Kota Tangerang"
    times = [trip.picked_up_at, trip.arrived_at, trip.handed_over_at, trip.returned_at]
    assert all(times) and times == sorted(times)  # type: ignore[type-var]
    assert trip.handed_over_to == "Ners Dewi (IGD)"
    actions = set(
        Event.objects.filter(incident=incident).values_list("action", flat=True)
    )
    assert {"trip.planned", "trip.handed_over", "unit.transporting"} <= actions


def test_a_handover_needs_arrival_and_happens_once(
    make_incident: MakeIncident, dinkes_operator: User
) -> None:
    incident = make_incident(category="ambulans-gratis", agencies=("DINKES",))
    trip = plan_trip(incident, actor=None, destination=hospital())
    with pytest.raises(IllegalTransition):
        record_handover(trip, received_by="IGD", actor=None)
    trip.arrived_at = incident.opened_at
    trip.save()
    with pytest.raises(InvalidInput):
        record_handover(trip, received_by="  ", actor=None)
    record_handover(trip, received_by="IGD", actor=None)
    with pytest.raises(Conflict):
        record_handover(trip, received_by="IGD", actor=None)


def test_only_a_patient_transport_has_a_trip(make_incident: MakeIncident) -> None:
    fire = make_incident(category="kebakaran")
    with pytest.raises(IllegalTransition):
        plan_trip(fire, actor=None, patient_name="x")
    with pytest.raises(InvalidInput):
        plan_trip(
            make_incident(category="ambulans-gratis", agencies=("DINKES",)),
            actor=None,
            unit="AMB-119-01",
        )


def test_the_trip_form_wants_a_destination_and_a_sane_age(db: None) -> None:
    assert not TripForm({"patient_age": "30"}).is_valid()
    assert not TripForm({"patient_age": "400", "destination_other": "rumah"}).is_valid()
    assert TripForm({"destination": hospital().pk}).is_valid()
    outside = Landmark.objects.exclude(kind="rumah sakit").first()
    assert outside is not None
    assert not TripForm({"destination": outside.pk}).is_valid()  # not a hospital


def test_the_dinkes_console_writes_the_trip(
    make_incident: MakeIncident, dinkes_operator: User
) -> None:
    incident = make_incident(category="ambulans-gratis", agencies=("DINKES",))
    client = page_client(dinkes_operator)

    page = client.get("/opd/").content.decode()
    assert f"trip-{incident.number}-patient_name" in page
    response = client.post(
        f"/opd/{incident.number}/perjalanan/",
        {
            "patient_name": "Pak Rahmat",
            "destination": hospital().pk,
            "is_eligible": "true",
        },
    )

    assert response.status_code == 302
    trip = AmbulanceTrip.objects.get(incident=incident)
    assert trip.patient_name == "Pak Rahmat" and trip.is_eligible is True
    bad = client.post(f"/opd/{incident.number}/perjalanan/", {"patient_age": "-1"})
    assert bad.status_code == 302  # refused with a message, nothing changed
    trip.refresh_from_db()
    assert trip.patient_name == "Pak Rahmat"


def test_another_agency_cannot_write_the_trip(
    make_incident: MakeIncident, damkar_operator: User
) -> None:
    incident = make_incident(category="ambulans-gratis", agencies=("DINKES",))
    response = page_client(damkar_operator).post(
        f"/opd/{incident.number}/perjalanan/", {"destination": hospital().pk}
    )
    assert response.status_code == 404
    assert not AmbulanceTrip.objects.exists()
