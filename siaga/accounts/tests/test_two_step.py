"""Two-step sign-in: RFC 6238 codes; enrolling; the code after the password, good
once; roles that must use it reach nothing else until they have."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client, override_settings

from siaga.accounts.models import User
from siaga.accounts.totp import code_at, matching_step, step_of
from siaga.events.models import Event
from siaga.lib.fields import WIB
from siaga.testing import PASSWORD, make_user, page_client

RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # base32 of "12345678901234567890"
NOW = datetime(2026, 12, 5, 9, 0, 10, tzinfo=WIB)


def test_codes_follow_rfc_6238() -> None:
    # RFC 6238 appendix B, SHA-1: T = 59 s and T = 1111111109 s.
    assert code_at(RFC_SECRET, step_of(59), digits=8) == "94287082"
    assert code_at(RFC_SECRET, step_of(1111111109), digits=8) == "07081804"
    now = 1111111109.0
    current = step_of(now)
    assert (
        matching_step(RFC_SECRET, code_at(RFC_SECRET, current), after=0, now=now)
        == current
    )
    assert (
        matching_step(RFC_SECRET, code_at(RFC_SECRET, current - 1), after=0, now=now)
        == current - 1
    )
    assert (
        matching_step(RFC_SECRET, code_at(RFC_SECRET, current - 2), after=0, now=now)
        is None
    )
    assert (
        matching_step(RFC_SECRET, code_at(RFC_SECRET, current), after=current, now=now)
        is None
    )
    assert matching_step(RFC_SECRET, "12345", after=0, now=now) is None


RECOVERY = re.compile(r"<code>([A-Z2-9]{4}(?:-[A-Z2-9]{4}){3})</code>")


def enrol(client: Client) -> str:
    return enrol_with_codes(client)[0]


def enrol_with_codes(client: Client) -> tuple[str, list[str]]:
    page = client.get("/akun/dua-langkah/").content.decode()
    secret = re.search(r"data-secret>([A-Z2-7 ]+)<", page)
    assert secret, page
    key = secret.group(1).replace(" ", "")
    response = client.post("/akun/dua-langkah/", {"code": code_at(key, step_of())})
    assert response.status_code == 200
    codes = RECOVERY.findall(response.content.decode())
    assert len(codes) == 10
    return key, codes


@pytest.mark.django_db
def test_a_supervisor_enrols_then_signs_in_with_a_code_good_once() -> None:
    user = make_user("koor", "supervisor")
    with time_machine.travel(NOW, tick=False):
        key = enrol(page_client(user))
        user.refresh_from_db()
        assert user.totp_confirmed_at is not None
        enabled = Event.objects.get(action="account.two_step_enabled")
        assert key not in str(enabled.after) and key not in str(enabled.before)

        client = Client(REMOTE_ADDR="10.0.0.5")
        first = client.post(
            "/akun/masuk/",
            {"username": "koor", "password": PASSWORD, "next": "/papan/"},
        )
        assert first["Location"] == "/akun/kode/"
        assert client.get("/insiden/").status_code == 302  # not signed in yet
        wrong = client.post("/akun/kode/", {"code": "000000"})
        assert "Kode salah" in wrong.content.decode()
        # The code enrolment used is spent: the next one is needed.
    with time_machine.travel(NOW.timestamp() + 30, tick=False):
        right = client.post("/akun/kode/", {"code": code_at(key, step_of())})
        assert right.status_code == 302 and right["Location"] == "/papan/"
        assert client.get("/insiden/").status_code == 200

        again = Client(REMOTE_ADDR="10.0.0.6")
        again.post("/akun/masuk/", {"username": "koor", "password": PASSWORD})
        replayed = again.post("/akun/kode/", {"code": code_at(key, step_of())})
        assert "Kode salah" in replayed.content.decode()  # a code is good once


@pytest.mark.django_db
def test_the_code_page_without_a_password_first_goes_back_to_sign_in() -> None:
    assert (
        Client().post("/akun/kode/", {"code": "123456"})["Location"] == "/akun/masuk/"
    )


@override_settings(SIAGA_TWO_STEP_ROLES=frozenset({"supervisor", "admin"}))
@pytest.mark.django_db
def test_roles_that_must_use_it_reach_nothing_else_until_they_do() -> None:
    supervisor = make_user("koor", "supervisor")
    taker = make_user("sari", "call_taker")
    client = page_client(supervisor)

    for closed in ["/insiden/", "/akun/sesi/", "/server/", "/api/v1/incidents"]:
        assert client.get(closed)["Location"] == "/akun/dua-langkah/", closed
    assert page_client(taker).get("/insiden/").status_code == 200
    with time_machine.travel(NOW, tick=False):
        enrol(client)
    assert client.get("/insiden/").status_code == 200


@pytest.mark.django_db
def test_an_admin_resets_a_lost_phone() -> None:
    user = make_user("koor", "supervisor")
    with time_machine.travel(NOW, tick=False):
        enrol(page_client(user))
    call_command("reset_two_step", "--user", "koor")
    user = User.objects.get(pk=user.pk)
    assert user.totp_confirmed_at is None and user.totp_secret == ""
    assert Event.objects.filter(action="account.two_step_reset").exists()


def sign_in_with(code: str, address: str) -> Client:
    client = Client(REMOTE_ADDR=address)
    client.post("/akun/masuk/", {"username": "koor", "password": PASSWORD})
    client.post("/akun/kode/", {"code": code})
    return client


@pytest.mark.django_db
def test_the_app_reads_the_key_from_a_qr_code() -> None:
    client = page_client(make_user("koor", "supervisor"))

    page = client.get("/akun/dua-langkah/").content.decode()

    qr = re.search(r"data-qr>(.*?)</div>", page, re.S)
    assert (
        qr and qr.group(1).strip().startswith("<svg") and "<script" not in qr.group(1)
    )


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once_instead_of_a_lost_phone() -> None:
    user = make_user("koor", "supervisor")
    with time_machine.travel(NOW, tick=False):
        _, codes = enrol_with_codes(page_client(user))
    stored = User.objects.get(pk=user.pk).totp_recovery
    assert not set(codes) & set(stored)  # digests only

    lowercase = codes[3].lower().replace("-", " ")
    assert sign_in_with(lowercase, "10.0.0.7").get("/insiden/").status_code == 200
    assert sign_in_with(codes[3], "10.0.0.8").get("/insiden/").status_code == 302
    used = Event.objects.get(action="account.recovery_code_used")
    assert used.after == {"left": 9} and codes[3] not in str(used.after)


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones() -> None:
    user = make_user("koor", "supervisor")
    client = page_client(user)
    with time_machine.travel(NOW, tick=False):
        key, old = enrol_with_codes(client)

    assert "Sisa 10 kode cadangan" in client.get("/akun/dua-langkah/").content.decode()
    refused = client.post("/akun/dua-langkah/", {"code": "000000"})
    assert not RECOVERY.findall(refused.content.decode())  # a session alone: no
    with time_machine.travel(NOW.timestamp() + 60, tick=False):
        renewed = client.post("/akun/dua-langkah/", {"code": code_at(key, step_of())})
    new = RECOVERY.findall(renewed.content.decode())

    assert renewed["Cache-Control"] == "no-store"
    assert len(new) == 10 and not set(new) & set(old)
    assert sign_in_with(old[0], "10.0.0.9").get("/insiden/").status_code == 302
    assert sign_in_with(new[0], "10.0.0.10").get("/insiden/").status_code == 200


@pytest.mark.django_db
def test_the_admins_own_sign_in_page_cannot_skip_the_code() -> None:
    """Django's admin has its own sign-in form; it must not be a way round the code
    step and the throttle. It sends everyone to the one sign-in page."""
    make_user("root", "admin")
    client = Client()

    posted = client.post(
        "/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD}
    )

    assert posted.status_code == 302
    assert posted["Location"] == "/akun/masuk/?next=/admin/"
    assert client.get("/admin/").status_code == 302  # not signed in
