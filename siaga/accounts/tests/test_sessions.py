"""Sessions: they end on sign-out and when the role changes; an admin sees every
active session (never its key) and ends one; no one else may."""

from __future__ import annotations

import pytest
from django.test import Client

from siaga.accounts.models import User
from siaga.accounts.roles import AGENCY_ROLES, Role
from siaga.accounts.sessions import handle_of
from siaga.events.models import Event
from siaga.testing import PASSWORD, make_user


def signed_in(username: str, address: str = "10.0.0.8") -> Client:
    client = Client(REMOTE_ADDR=address)
    response = client.post("/akun/masuk/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def is_signed_in(client: Client) -> bool:
    return client.get("/insiden/").status_code == 200


def test_signing_out_ends_the_session(db: None) -> None:
    make_user("sari", "call_taker")
    client = signed_in("sari")
    client.post("/akun/keluar/")
    assert not is_signed_in(client)


def test_a_role_change_ends_every_session_of_that_person(db: None) -> None:
    user = make_user("sari", "call_taker")
    console, phone = signed_in("sari"), signed_in("sari", "10.0.0.9")
    User.objects.filter(pk=user.pk).update(role=Role.ROOM_OPERATOR)
    assert not is_signed_in(console) and not is_signed_in(phone)


def test_an_admin_sees_the_sessions_and_ends_one(db: None) -> None:
    make_user("admin-uji", "admin")
    make_user("sari", "call_taker")
    admin, sari = signed_in("admin-uji"), signed_in("sari", "10.0.0.44")

    page = admin.get("/akun/sesi/").content.decode()

    assert 'data-user="sari"' in page and "10.0.0.44" in page
    key = sari.session.session_key
    assert key and key not in page
    admin.post(f"/akun/sesi/{handle_of(key)}/akhiri/")
    assert not is_signed_in(sari)
    assert is_signed_in(admin)
    ended = Event.objects.get(action="account.session_ended")
    assert ended.target_label == "sari"


@pytest.mark.parametrize("role", sorted(set(Role.values) - {Role.ADMIN}))
def test_no_one_else_sees_or_ends_sessions(db: None, role: str) -> None:
    make_user("korban", "call_taker")
    victim = signed_in("korban")
    make_user(f"x-{role}", role, "DAMKAR" if role in AGENCY_ROLES else "")
    other = signed_in(f"x-{role}", "10.0.0.50")
    key = victim.session.session_key
    assert key
    assert other.get("/akun/sesi/").status_code == 403
    assert other.post(f"/akun/sesi/{handle_of(key)}/akhiri/").status_code == 403
    assert is_signed_in(victim)
