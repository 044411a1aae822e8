"""Referrals by phone and their deadlines, incoming requests on the call floor, the
pages and who may use them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from siaga.accounts.models import User
from siaga.accounts.roles import Role
from siaga.areas.models import Area, AreaKind
from siaga.events.models import Event
from siaga.incidents.models import Incident, IncidentStatus
from siaga.incidents.timeline import timeline
from siaga.intake.actions import Fix
from siaga.intake.models import Classification
from siaga.lib.errors import IllegalTransition, InvalidInput
from siaga.ops.worker import time_out_referrals
from siaga.referrals.actions import (
    accept_referral,
    answer_referral,
    decline_referral,
    receive_referral,
    refer_incident,
)
from siaga.referrals.models import Referral, ReferralPartner
from siaga.referrals.views import monthly_figures
from siaga.testing import make_user, page_client

MakeIncident = Callable[..., Incident]


@pytest.fixture
def kabupaten(db: None) -> Area:
    return Area.objects.get(kind=AreaKind.NEIGHBOUR, name__startswith="Kabupaten")


def test_a_phone_referral_someone_answered_is_acknowledged(
    make_incident: MakeIncident, room_operator: User, kabupaten: Area
) -> None:
    incident = make_incident(agencies=())

    referral = refer_incident(
        incident,
        neighbour=kabupaten,
        method="phone",
        phone_number="112",
        answered_by="Pak Joko",
        actor=room_operator,
    )

    incident.refresh_from_db()
    assert referral.status == "acknowledged" and incident.status == "referred"
    texts = [entry.text for entry in timeline(incident.pk)]
    assert any(text.startswith("Dirujuk ke Kabupaten Tangerang") for text in texts)


def test_an_unacknowledged_referral_escalates_once_and_a_late_answer_counts(
    make_incident: MakeIncident, room_operator: User, kabupaten: Area
) -> None:
    incident = make_incident(agencies=())
    referral = refer_incident(
        incident, neighbour=kabupaten, method="phone", phone_number="112", actor=None
    )
    assert time_out_referrals() == 0

    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        assert time_out_referrals() == 1
        assert time_out_referrals() == 0

    referral.refresh_from_db()
    assert referral.status == "timed_out" and referral.escalated_at is not None
    assert Event.objects.filter(action="referral.timed_out").count() == 1
    answer_referral(referral, status="accepted", actor=room_operator)
    assert Referral.objects.get().status == "accepted"


def test_a_declined_referral_returns_the_incident_to_the_floor(
    make_incident: MakeIncident, room_operator: User, kabupaten: Area
) -> None:
    incident = make_incident(agencies=())
    referral = refer_incident(
        incident, neighbour=kabupaten, method="phone", phone_number="112", actor=None
    )
    with pytest.raises(InvalidInput):
        answer_referral(referral, status="declined", actor=room_operator)

    answer_referral(
        referral,
        status="declined",
        reason="lokasi di wilayah kota",
        actor=room_operator,
    )

    incident.refresh_from_db()
    assert incident.status == IncidentStatus.NEW


def test_a_phone_referral_needs_the_number_called(
    make_incident: MakeIncident, kabupaten: Area
) -> None:
    with pytest.raises(InvalidInput):
        refer_incident(make_incident(), neighbour=kabupaten, method="phone", actor=None)
    with pytest.raises(InvalidInput):
        home = Area.objects.get(kind=AreaKind.HOME)
        refer_incident(
            make_incident(),
            neighbour=home,
            method="phone",
            phone_number="1",
            actor=None,
        )


def partner(area: Area) -> ReferralPartner:
    account = make_user(f"partner-{area.code}", Role.REFERRAL_PARTNER)
    return ReferralPartner.objects.create(
        neighbour=area, base_url="http://127.0.0.1:9", account=account
    )


def test_an_incoming_request_waits_on_the_floor_and_becomes_ours(
    room_operator: User, kabupaten: Area
) -> None:
    referral, created = receive_referral(
        partner(kabupaten),
        request_id="req-1",
        summary="Kebakaran gudang dekat perbatasan",
        raw="{}",
        fix=Fix(-6.17, 106.60, 50, "eido"),
        category_code="kebakaran",
        actor=None,
    )
    again, created_again = receive_referral(
        kabupaten.partner, request_id="req-1", summary="x", raw="{}", actor=None
    )
    assert created and not created_again and again == referral
    assert referral.contact is not None
    assert referral.contact.classification == Classification.UNCLASSIFIED
    queue = page_client(room_operator).get(
        f"/konsol/?kontak={referral.contact.public_id}"
    )
    assert "Rujukan masuk dari Kabupaten Tangerang" in queue.text

    incident = accept_referral(referral, actor=room_operator)

    referral.refresh_from_db()
    assert referral.status == "accepted" and referral.incident == incident
    assert referral.delivery_due_at is not None  # the answer is to be sent back
    assert incident.category.code == "kebakaran" and incident.lat == -6.17


def test_an_incoming_request_can_be_declined_with_a_reason(
    room_operator: User, kabupaten: Area
) -> None:
    referral, _ = receive_referral(
        partner(kabupaten), request_id="req-2", summary="x", raw="{}", actor=None
    )

    decline_referral(referral, reason="bukan wilayah kami", actor=room_operator)

    referral.refresh_from_db()
    assert referral.status == "declined" and referral.contact is not None
    assert referral.contact.classification == Classification.INFORMATION


def test_the_monthly_figures_count_by_neighbour_and_outcome(
    make_incident: MakeIncident, kabupaten: Area
) -> None:
    for answered_by in ("A", "", ""):
        refer_incident(
            make_incident(agencies=()),
            neighbour=kabupaten,
            method="phone",
            phone_number="112",
            answered_by=answered_by,
            actor=None,
        )

    (row,) = monthly_figures()
    assert (row["neighbour"], row["direction"], row["total"]) == (
        "Kabupaten Tangerang",
        "out",
        3,
    )
    assert (row["acknowledged"], row["sent"]) == (1, 2)


def test_the_floor_refers_from_the_incident_page(
    make_incident: MakeIncident, room_operator: User, kabupaten: Area
) -> None:
    incident = make_incident(agencies=())
    client = page_client(room_operator)

    page = client.get(f"/insiden/{incident.number}/").text
    response = client.post(
        f"/rujukan/insiden/{incident.number}/",
        {"neighbour": kabupaten.code, "method": "phone", "phone_number": "112"},
    )

    assert "Rujuk ke" in page and response.status_code == 302
    assert Referral.objects.get().incident == incident
    assert client.get("/rujukan/").status_code == 200


def test_agencies_and_wallboards_may_not_refer_or_see_referrals(
    make_incident: MakeIncident,
    damkar_operator: User,
    wallboard: User,
    kabupaten: Area,
) -> None:
    incident = make_incident(agencies=("DAMKAR",))
    for user in (damkar_operator, wallboard):
        client = page_client(user)
        post = client.post(
            f"/rujukan/insiden/{incident.number}/",
            {"neighbour": kabupaten.code, "method": "phone", "phone_number": "112"},
        )
        assert post.status_code == 403
        assert client.get("/rujukan/").status_code == 403
    assert not Referral.objects.exists()


def test_the_board_shows_a_referral_nobody_acknowledged(
    make_incident: MakeIncident, supervisor: User, kabupaten: Area
) -> None:
    incident = make_incident(agencies=())
    refer_incident(
        incident, neighbour=kabupaten, method="phone", phone_number="112", actor=None
    )
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        time_out_referrals()

    board = page_client(supervisor).get("/papan/").text

    assert incident.number in board and "Tidak dikonfirmasi tepat waktu" in board


def test_a_decline_does_not_undo_another_referral_that_was_accepted(
    make_incident: MakeIncident, room_operator: User, kabupaten: Area
) -> None:
    tangsel = Area.objects.get(
        kind=AreaKind.NEIGHBOUR, name__startswith="Kota Tangerang"
    )
    incident = make_incident(agencies=())
    first = refer_incident(
        incident, neighbour=kabupaten, method="phone", phone_number="1", actor=None
    )
    second = refer_incident(
        incident, neighbour=tangsel, method="phone", phone_number="2", actor=None
    )
    answer_referral(second, status="accepted", actor=room_operator)

    answer_referral(first, status="declined", reason="bukan kami", actor=room_operator)

    incident.refresh_from_db()
    assert incident.status == IncidentStatus.REFERRED


def test_the_answer_form_does_not_answer_a_neighbours_request(
    room_operator: User, kabupaten: Area
) -> None:
    referral, _ = receive_referral(
        partner(kabupaten), request_id="req-3", summary="x", raw="{}", actor=None
    )

    page_client(room_operator).post(
        f"/rujukan/{referral.public_id}/jawab/", {"status": "accepted"}
    )

    referral.refresh_from_db()
    assert referral.status == "acknowledged" and referral.incident is None


def test_a_neighbours_request_is_answered_only_as_such(
    room_operator: User, kabupaten: Area
) -> None:
    referral, _ = receive_referral(
        partner(kabupaten), request_id="req-4", summary="x", raw="{}", actor=None
    )
    assert referral.contact is not None
    client = page_client(room_operator)

    pop = client.get(f"/konsol/?kontak={referral.contact.public_id}").text
    client.post(
        f"/konsol/kontak/{referral.contact.public_id}/", {"classification": "prank"}
    )

    assert "accept-referral" in pop and 'id="triage-form"' not in pop
    referral.contact.refresh_from_db()
    assert referral.contact.classification == Classification.UNCLASSIFIED
    accept_referral(referral, actor=room_operator)
    with pytest.raises(IllegalTransition):
        accept_referral(referral, actor=room_operator)


def test_cancelling_an_electronic_referral_withdraws_it(
    make_incident: MakeIncident, room_operator: User, kabupaten: Area
) -> None:
    partner(kabupaten)
    incident = make_incident(agencies=())
    waiting = refer_incident(
        incident, neighbour=kabupaten, method="electronic", actor=None
    )

    answer_referral(waiting, status="cancelled", actor=room_operator)

    waiting.refresh_from_db()
    incident.refresh_from_db()
    assert waiting.delivery_due_at is None  # never sent: nothing to withdraw
    assert incident.status == IncidentStatus.NEW


def test_agencies_and_wallboards_may_not_answer_accept_or_decline(
    damkar_operator: User, wallboard: User, kabupaten: Area
) -> None:
    referral, _ = receive_referral(
        partner(kabupaten), request_id="req-5", summary="x", raw="{}", actor=None
    )
    for user in (damkar_operator, wallboard):
        client = page_client(user)
        for action, data in (
            ("jawab", {"status": "accepted"}),
            ("terima", {}),
            ("tolak", {"reason": "bukan kami"}),
        ):
            response = client.post(f"/rujukan/{referral.public_id}/{action}/", data)
            assert response.status_code == 403, (user.username, action)
    referral.refresh_from_db()
    assert referral.status == "acknowledged" and referral.incident is None
