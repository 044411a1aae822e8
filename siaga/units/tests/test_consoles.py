"""Units on the agency console (recommend, assign in one click, status buttons, overdue
timers) and on the crew's phone (sign on, assignment, navigation, big buttons,
handover, own position only); each page refuses the roles that may not use it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from siaga.accounts.models import User
from siaga.accounts.roles import AGENCY_ROLES, Role
from siaga.areas.models import Landmark
from siaga.incidents.models import Incident, IncidentStatus
from siaga.testing import make_user, page_client
from siaga.units.actions import assign_unit, change_unit_status, crew_unit, plan_trip
from siaga.units.models import Unit, UnitStatus

MakeIncident = Callable[..., Incident]
CILEDUG = (-6.2272, 106.7098)  # Pos Damkar Ciledug: DAMKAR-03 stands there


@pytest.fixture
def damkar_crew(db: None) -> User:
    return make_user("kru-damkar-1", Role.RESPONDER, "DAMKAR")


def test_the_console_offers_the_nearest_unit_and_assigns_it(
    make_incident: MakeIncident, damkar_operator: User
) -> None:
    fire = make_incident(agencies=("DAMKAR",), lat=CILEDUG[0], lon=CILEDUG[1])
    client = page_client(damkar_operator)

    page = client.get("/opd/").content.decode()
    first = page.index('class="assign" data-call-sign="')
    assert page[first:].split('"')[3] == "DAMKAR-03"
    response = client.post("/opd/unit/DAMKAR-03/tugaskan/", {"incident": fire.number})

    assert response.status_code == 302
    unit = Unit.objects.get(call_sign="DAMKAR-03")
    assert unit.status == UnitStatus.ASSIGNED and unit.incident == fire
    again = client.post("/opd/unit/DAMKAR-03/tugaskan/", {"incident": fire.number})
    assert again.status_code == 302  # a 409 shown as a message
    page = client.get("/opd/").content.decode()
    assert "tidak tersedia" in page or "not available" in page


def test_status_buttons_move_the_unit_and_the_incident(
    make_incident: MakeIncident, damkar_operator: User
) -> None:
    fire = make_incident(agencies=("DAMKAR",))
    unit = Unit.objects.get(call_sign="DAMKAR-01")
    assign_unit(unit, incident=fire, actor=damkar_operator)
    client = page_client(damkar_operator)

    for status in ("en_route", "on_scene"):
        client.post("/opd/unit/DAMKAR-01/status/", {"status": status})

    fire.refresh_from_db()
    assert fire.status == IncidentStatus.ON_SCENE
    bad = client.post("/opd/unit/DAMKAR-01/status/", {"status": "terbang"})
    assert bad.status_code == 302
    assert Unit.objects.get(call_sign="DAMKAR-01").status == UnitStatus.ON_SCENE


def test_a_unit_too_long_in_its_status_is_flagged(
    make_incident: MakeIncident, damkar_operator: User
) -> None:
    unit = Unit.objects.get(call_sign="DAMKAR-01")
    assign_unit(unit, incident=make_incident(), actor=None)
    Unit.objects.filter(pk=unit.pk).update(
        status_since=timezone.now() - timedelta(minutes=4)
    )
    unit.refresh_from_db()

    assert unit.is_overdue()  # assigned for 4 minutes: the default limit is 3
    page = page_client(damkar_operator).get("/opd/").content.decode()
    assert 'data-call-sign="DAMKAR-01"' in page
    row = page[page.index('class="unit-row unit-assigned') :][:200]
    assert "overdue" in row
    change_unit_status(unit, status="en_route", actor=None)
    unit.refresh_from_db()
    assert not unit.is_overdue()


def test_an_agency_cannot_move_another_agencys_unit(
    make_incident: MakeIncident, damkar_operator: User, dinkes_operator: User
) -> None:
    fire = make_incident(agencies=("DAMKAR",))
    client = page_client(dinkes_operator)

    assert (
        client.post(
            "/opd/unit/DAMKAR-01/tugaskan/", {"incident": fire.number}
        ).status_code
        == 404
    )
    assert (
        client.post(
            "/opd/unit/DAMKAR-01/status/", {"status": "out_of_service"}
        ).status_code
        == 404
    )
    assert Unit.objects.get(call_sign="DAMKAR-01").status == UnitStatus.AVAILABLE


CONSOLE_POSTS = [
    ("/opd/unit/DAMKAR-01/tugaskan/", {"incident": "{number}"}),
    ("/opd/unit/DAMKAR-01/status/", {"status": "out_of_service"}),
    ("/opd/{number}/perjalanan/", {"destination_other": "rumah"}),
]
CREW_PAGES = [
    ("get", "/unit/", {}),
    ("post", "/unit/naik/", {"unit": "DAMKAR-01"}),
    ("post", "/unit/turun/", {}),
    ("post", "/unit/status/", {"status": "out_of_service"}),
    ("post", "/unit/serah-terima/", {"received_by": "x"}),
]


@pytest.mark.parametrize("role", sorted(set(Role.values) - {Role.AGENCY_OPERATOR}))
def test_only_agency_operators_and_admins_use_the_unit_buttons(
    make_incident: MakeIncident, role: str
) -> None:
    incident = make_incident(category="ambulans-gratis", agencies=("DAMKAR",))
    user = make_user(f"u-{role}", role, "DAMKAR" if role in AGENCY_ROLES else "")
    client = page_client(user)
    for path, body in CONSOLE_POSTS:
        url = path.format(number=incident.number)
        data = {k: v.format(number=incident.number) for k, v in body.items()}
        status = client.post(url + ("?opd=DAMKAR" if role == Role.ADMIN else ""), data)
        expected = 302 if role == Role.ADMIN else 403
        assert status.status_code == expected, (role, url)


@pytest.mark.parametrize("role", sorted(set(Role.values) - {Role.RESPONDER}))
def test_only_a_crew_uses_the_crew_pages(db: None, role: str) -> None:
    user = make_user(f"u-{role}", role, "DAMKAR" if role in AGENCY_ROLES else "")
    client = page_client(user)
    for method, path, body in CREW_PAGES:
        assert getattr(client, method)(path, body).status_code == 403, (role, path)
    assert Client().get("/unit/").status_code == 302  # to the login page


def test_a_crew_signs_on_only_to_its_agencys_units(damkar_crew: User) -> None:
    client = page_client(damkar_crew)
    choose = client.get("/unit/").content.decode()
    assert "DAMKAR-01" in choose and "AMB-119-01" not in choose

    assert client.post("/unit/naik/", {"unit": "AMB-119-01"}).status_code == 404
    assert client.post("/unit/naik/", {"unit": "DAMKAR-01"}).status_code == 302
    damkar_crew.refresh_from_db()
    assert damkar_crew.unit is not None and damkar_crew.unit.call_sign == "DAMKAR-01"


def test_the_crew_sees_its_assignment_and_taps_through_it(
    make_incident: MakeIncident, damkar_crew: User, damkar_operator: User
) -> None:
    fire = make_incident(agencies=("DAMKAR",), description="Rumah terbakar di gang")
    other = make_incident(agencies=("DAMKAR",), description="Tidak untuk unit ini")
    unit = Unit.objects.get(call_sign="DAMKAR-01")
    crew_unit(damkar_crew, unit, actor=damkar_crew)
    client = page_client(damkar_crew)
    assert "Belum ada penugasan" in client.get("/unit/").content.decode()

    assign_unit(unit, incident=fire, actor=damkar_operator)
    page = client.get("/unit/").content.decode()

    assert fire.number in page and "Rumah terbakar" in page
    assert other.number not in page and "Tidak untuk unit ini" not in page
    assert "google.com/maps/dir/?api=1&amp;destination=-6.174600%2C106.633900" in page
    assert 'value="en_route"' in page and 'class="big answer-en_route"' in page
    for status in ("en_route", "on_scene"):
        assert client.post("/unit/status/", {"status": status}).status_code == 302
    fire.refresh_from_db()
    assert fire.status == IncidentStatus.ON_SCENE
    assert client.get(f"/insiden/{fire.number}/").status_code == 403
    assert client.get("/opd/").status_code == 403


def test_the_ambulance_crew_records_the_handover(
    make_incident: MakeIncident, dinkes_operator: User
) -> None:
    crew = make_user("kru-amb", Role.RESPONDER, "DINKES")
    incident = make_incident(category="ambulans-gratis", agencies=("DINKES",))
    hospital = Landmark.objects.get(name="RSUD Kota Tangerang")
    plan_trip(incident, actor=None, patient_name="Ibu Sumarni", destination=hospital)
    unit = Unit.objects.get(call_sign="AMB-119-01")
    crew_unit(crew, unit, actor=crew)
    assign_unit(unit, incident=incident, actor=dinkes_operator)
    client = page_client(crew)

    for status in ("en_route", "on_scene", "transporting", "at_hospital"):
        client.post("/unit/status/", {"status": status})
    page = client.get("/unit/").content.decode()
    assert "Ibu Sumarni" in page and "RSUD Kota Tangerang" in page
    assert 'name="received_by"' in page
    client.post("/unit/serah-terima/", {"received_by": "Ners Dewi"})

    incident.ambulance_trip.refresh_from_db()
    assert incident.ambulance_trip.handed_over_to == "Ners Dewi"
    assert 'name="received_by"' not in client.get("/unit/").content.decode()


def test_a_crew_reports_positions_for_its_own_unit_only(damkar_crew: User) -> None:
    crew_unit(damkar_crew, Unit.objects.get(call_sign="DAMKAR-01"), actor=damkar_crew)
    client = Client(enforce_csrf_checks=True)
    client.force_login(damkar_crew)
    client.get("/unit/")
    token = client.cookies["csrftoken"].value
    fix = {"positions": [{"lat": -6.19, "lon": 106.64, "accuracy_m": 12}]}

    def post(call_sign: str, csrf: str = token) -> int:
        return int(
            client.post(
                f"/api/v1/units/{call_sign}/positions",
                fix,
                content_type="application/json",
                headers={"X-CSRFToken": csrf},
            ).status_code
        )

    assert post("DAMKAR-01") == 202
    assert post("DAMKAR-02") == 404  # another unit of its own agency: not its own
    assert post("DAMKAR-01", csrf="forged") == 403
    unit = Unit.objects.get(call_sign="DAMKAR-01")
    assert (unit.lat, unit.lon) == (-6.19, 106.64)


def test_a_button_on_an_old_page_does_not_undo_a_new_assignment(
    make_incident: MakeIncident, damkar_crew: User, damkar_operator: User
) -> None:
    unit = Unit.objects.get(call_sign="DAMKAR-01")
    crew_unit(damkar_crew, unit, actor=damkar_crew)
    client = page_client(damkar_crew)
    assert 'name="from" value="available"' in client.get("/unit/").content.decode()
    fire = make_incident()
    assign_unit(unit, incident=fire, actor=damkar_operator)  # meanwhile, on the console

    client.post("/unit/status/", {"status": "out_of_service", "from": "available"})

    unit.refresh_from_db()
    assert unit.status == UnitStatus.ASSIGNED and unit.incident == fire
    assert "look again" in client.get("/unit/").content.decode()


def test_a_crew_cannot_sign_on_to_a_unit_on_a_job_nor_use_a_retired_one(
    make_incident: MakeIncident, damkar_crew: User
) -> None:
    busy = Unit.objects.get(call_sign="DAMKAR-02")
    assign_unit(busy, incident=make_incident(), actor=None)
    client = page_client(damkar_crew)

    client.post("/unit/naik/", {"unit": "DAMKAR-02"})
    damkar_crew.refresh_from_db()
    assert damkar_crew.unit is None

    crew_unit(damkar_crew, Unit.objects.get(call_sign="DAMKAR-01"), actor=None)
    Unit.objects.filter(call_sign="DAMKAR-01").update(is_active=False)
    refused = client.post("/unit/status/", {"status": "out_of_service"})
    assert refused.status_code == 404
    assert 'id="crew-live"' in client.get("/unit/").content.decode()  # choose again
