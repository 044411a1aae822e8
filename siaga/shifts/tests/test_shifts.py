"""Shifts: patterns cut the day, people check in and out, a handover lists exactly
the open items from live data, and the incoming operator's confirmation is kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
import time_machine

from siaga.accounts.models import User
from siaga.accounts.roles import AGENCY_ROLES, Role
from siaga.areas.models import Area
from siaga.dispatching.actions import acknowledge_dispatch
from siaga.events.models import Event
from siaga.incidents.actions import change_incident_status
from siaga.incidents.models import Incident
from siaga.intake.actions import (
    classify_contact,
    record_call_event,
    record_callback,
)
from siaga.intake.models import Contact
from siaga.lib.errors import Conflict, IllegalTransition, InvalidInput
from siaga.lib.fields import WIB
from siaga.referrals.actions import receive_referral, save_referral_partner
from siaga.shifts.actions import (
    check_in,
    check_out,
    confirm_handover,
    hand_over,
    plan_duty,
)
from siaga.shifts.models import Duty, ShiftPattern
from siaga.shifts.workload import workloads
from siaga.stats.period import Period
from siaga.testing import make_user, page_client

MakeIncident = Callable[..., Incident]


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=WIB)


@pytest.fixture
def sari(db: None) -> User:
    return make_user("sari", Role.CALL_TAKER)


@pytest.fixture
def budi(db: None) -> User:
    return make_user("budi", Role.CALL_TAKER)


def test_a_pattern_cuts_the_day_and_the_night_shift_crosses_midnight(db: None) -> None:
    three = ShiftPattern.objects.get(role=Role.CALL_TAKER)

    night = three.slot_at(wib(5, 3))

    assert (night.name, night.starts_at, night.ends_at) == (
        "Malam",
        wib(4, 23),
        wib(5, 7),
    )
    assert three.slot_at(wib(5, 7)).name == "Pagi"
    assert three.slot_at(wib(5, 14, 59)).ends_at == wib(5, 15)
    two = ShiftPattern.objects.get(role=Role.AGENCY_OPERATOR)
    assert two.slot_at(wib(5, 20)).ends_at == wib(6, 7)


@time_machine.travel(wib(4, 6, 30), tick=False)
def test_a_planned_duty_is_checked_into_and_out_of(sari: User) -> None:
    planned = plan_duty(sari, day=date(2026, 12, 4), index=0, actor=None)
    with pytest.raises(Conflict):
        plan_duty(sari, day=date(2026, 12, 4), index=0, actor=None)

    duty = check_in(sari, actor=sari)  # half an hour early, for the briefing

    assert duty == planned and list(Duty.objects.on_duty()) == [duty]
    with pytest.raises(Conflict):
        check_in(sari, actor=sari)
    check_out(sari, actor=sari)
    assert not Duty.objects.on_duty().exists()
    with pytest.raises(IllegalTransition):
        check_out(sari, actor=sari)


@time_machine.travel(wib(4, 23, 40), tick=False)
def test_someone_covering_checks_in_unplanned(budi: User) -> None:
    duty = check_in(budi, actor=budi)

    assert (duty.name, duty.starts_at, duty.ends_at) == ("Malam", wib(4, 23), wib(5, 7))
    assert Event.objects.filter(action="duty.checked_in", actor=budi).count() == 1


def open_floor(make_incident: MakeIncident, sari: User) -> dict[str, object]:
    """Open and closed items of every kind; the handover must list the open ones."""
    open_fire = make_incident(agencies=("DAMKAR",))  # unacknowledged
    acknowledged = make_incident(category="pohon-tumbang", agencies=("DKP",))
    acknowledge_dispatch(acknowledged.dispatches.get(), actor=None)
    closed = make_incident(category="lainnya", agencies=())
    change_incident_status(closed, status="cancelled", reason="uji", actor=None)
    partner, _ = save_referral_partner(
        code=Area.objects.get(code="36.03").code,
        base_url="http://127.0.0.1:9",
        actor=None,
    )
    referral, _ = receive_referral(
        partner, request_id="r-1", summary="x", raw="{}", actor=None
    )
    silent = call("s-1", "081211110001")
    classify_contact(silent, classification="silent", actor=None)
    called_back = call("s-2", "081211110002")
    classify_contact(called_back, classification="silent", actor=None)
    record_callback(called_back, actor=None)
    return {
        "incidents": sorted([open_fire.number, acknowledged.number]),
        "unacknowledged": [f"{open_fire.number}/DAMKAR"],
        "referrals": [str(referral.public_id)],
        "callbacks": [str(silent.public_id)],
    }


def call(call_id: str, number: str) -> Contact:
    record_call_event(
        call_id=call_id,
        event="answered",
        caller_id=number,
        occurred_at=wib(4, 10),
        raw_payload="{}",
        actor=None,
    )
    return Contact.objects.get(provider_id=call_id)


def test_the_handover_lists_exactly_the_open_items(
    make_incident: MakeIncident, sari: User, budi: User
) -> None:
    expected = open_floor(make_incident, sari)

    handover = hand_over(sari, incoming=budi, notes="Cek RT 03 banjir", actor=sari)

    items = handover.items
    assert sorted(items["incidents"]) == expected["incidents"]
    assert {k: v for k, v in items.items() if k != "incidents"} == {
        k: v for k, v in expected.items() if k != "incidents"
    }
    assert handover.notes == "Cek RT 03 banjir"


def test_an_agency_hands_over_only_its_own(
    make_incident: MakeIncident, damkar_operator: User
) -> None:
    fire = make_incident(agencies=("DAMKAR",))
    make_incident(category="medis", agencies=("DINKES",))

    handover = hand_over(damkar_operator, incoming=None, notes="", actor=None)

    assert handover.items == {
        "incidents": [fire.number],
        "unacknowledged": [f"{fire.number}/DAMKAR"],
        "referrals": [],
        "callbacks": [],
    }


def test_the_incoming_operator_confirms_and_nobody_else(sari: User, budi: User) -> None:
    other = make_user("rina", Role.CALL_TAKER)
    room = make_user("ruang", Role.ROOM_OPERATOR)
    handover = hand_over(sari, incoming=budi, notes="", actor=sari)

    for wrong in (sari, other, room):
        with pytest.raises(IllegalTransition):
            confirm_handover(handover, user=wrong)
    confirmed = confirm_handover(handover, user=budi)

    assert confirmed.confirmed_by == budi and confirmed.confirmed_at is not None
    assert Event.objects.filter(action="handover.confirmed", actor=budi).exists()
    with pytest.raises(Conflict):
        confirm_handover(handover, user=budi)
    with pytest.raises(InvalidInput):
        hand_over(sari, incoming=room, notes="", actor=sari)


def test_the_duty_page_hands_over_and_the_next_confirms(
    make_incident: MakeIncident, sari: User, budi: User
) -> None:
    fire = make_incident(agencies=("DAMKAR",))
    outgoing, incoming = page_client(sari), page_client(budi)
    outgoing.post("/giliran/masuk/")

    page = outgoing.get("/giliran/").content.decode()
    assert fire.number in page and "sari" in page
    outgoing.post(
        "/giliran/serah/", {"notes": "Pohon di Jl. Daan Mogot", "incoming": "budi"}
    )
    waiting = incoming.get("/giliran/").content.decode()
    assert "Pohon di Jl. Daan Mogot" in waiting and fire.number in waiting
    handover_id = waiting.split('data-handover="')[1].split('"')[0]
    incoming.post(f"/giliran/serah/{handover_id}/terima/")

    assert "Pohon di Jl. Daan Mogot" not in incoming.get("/giliran/").content.decode()
    assert "dikonfirmasi" in outgoing.get("/giliran/").content.decode()


def test_workload_counts_contacts_calls_and_time_on_calls(sari: User) -> None:
    sari.extension = "201"
    sari.save()
    for n, (answered, ended) in enumerate([(wib(4, 10), 90), (wib(4, 11), 30)]):
        for event, at in (
            ("answered", answered),
            ("ended", answered + timedelta(seconds=ended)),
        ):
            record_call_event(
                call_id=f"w-{n}",
                event=event,
                caller_id=f"08121111000{n}",
                extension="201",
                occurred_at=at,
                raw_payload="{}",
                actor=None,
            )

    rows = workloads(Period.days(date(2026, 12, 4), date(2026, 12, 4)))

    assert [(w.user, w.contacts, w.calls, w.seconds_on_calls) for w in rows] == [
        (sari, 2, 2, 120)
    ]


SHIFT_PAGES = [
    ("get", "/giliran/", {}),
    ("post", "/giliran/masuk/", {}),
    ("post", "/giliran/keluar/", {}),
    ("post", "/giliran/serah/", {"notes": "x"}),
    ("post", "/giliran/serah/1/terima/", {}),
]
ROTA_PAGES = [
    ("get", "/giliran/rota/", {}),
    ("post", "/giliran/rota/tambah/", {"user": "x", "day": "2026-12-04", "index": "0"}),
    ("get", "/giliran/beban/", {}),
]
KEEPERS = {
    Role.CALL_TAKER,
    Role.ROOM_OPERATOR,
    Role.AGENCY_OPERATOR,
    Role.SUPERVISOR,
    Role.ADMIN,
}
PLANNERS = {Role.SUPERVISOR, Role.ADMIN}


@pytest.mark.parametrize("role", sorted(Role.values))
def test_each_role_is_refused_the_shift_pages_it_may_not_use(
    db: None, role: str
) -> None:
    user = make_user(f"u-{role}", role, "DAMKAR" if role in AGENCY_ROLES else "")
    client = page_client(user)
    for pages, allowed in ((SHIFT_PAGES, KEEPERS), (ROTA_PAGES, PLANNERS)):
        for method, path, body in pages:
            status = getattr(client, method)(path, body).status_code
            if role in allowed:
                assert status in (200, 302, 404), (role, path, status)
            else:
                assert status == 403, (role, path, status)


def test_the_supervisor_plans_the_rota_and_reads_the_workload(
    supervisor: User, sari: User
) -> None:
    client = page_client(supervisor)
    today = datetime.now(WIB).date()

    client.post(
        "/giliran/rota/tambah/",
        {"user": "sari", "day": today.isoformat(), "index": "2"},
    )

    assert Duty.objects.filter(user=sari, name="Malam").exists()
    rota = client.get("/giliran/rota/").content.decode()
    assert "sari" in rota
    bad = client.post(
        "/giliran/rota/tambah/", {"user": "sari", "day": "x", "index": "y"}
    )
    assert bad.status_code == 302
    assert client.get("/giliran/beban/?dari=kemarin").status_code == 200


def test_an_agency_handover_stays_in_its_agency(
    damkar_operator: User, dinkes_operator: User
) -> None:
    handover = hand_over(damkar_operator, incoming=None, notes="x", actor=None)

    with pytest.raises(IllegalTransition):
        confirm_handover(handover, user=dinkes_operator)
    with pytest.raises(InvalidInput):
        hand_over(damkar_operator, incoming=dinkes_operator, notes="", actor=None)
    page = page_client(dinkes_operator).get("/giliran/").content.decode()
    assert f'data-handover="{handover.pk}"' not in page
    colleague = make_user("opd-damkar-2", Role.AGENCY_OPERATOR, "DAMKAR")
    assert confirm_handover(handover, user=colleague).confirmed_by == colleague
