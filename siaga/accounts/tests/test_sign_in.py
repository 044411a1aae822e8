from __future__ import annotations

import pytest
from django.test import Client

from siaga.accounts.models import User
from siaga.accounts.roles import AGENCY_ROLES, Role
from siaga.datasets.demo import DEMO_PASSWORD, demo_accounts, load_demo_accounts
from siaga.testing import PASSWORD, make_user


def test_the_login_page_speaks_bahasa_indonesia(db: None) -> None:
    page = Client().get("/akun/masuk/").content.decode()

    assert '<html lang="id">' in page
    assert "Masuk ke Siaga112" in page
    assert "Kata sandi" in page


def test_the_login_page_switches_to_english(db: None) -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/akun/masuk/"})

    page = client.get("/akun/masuk/").content.decode()

    assert '<html lang="en">' in page
    assert "Sign in to Siaga112" in page
    assert "Password" in page


def test_every_demo_account_signs_in(db: None) -> None:
    load_demo_accounts()
    for username, role, *_ in demo_accounts():
        client = Client()
        response = client.post(
            "/akun/masuk/", {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        # A machine account (the city app) signs in but may read no page; a crew
        # lands on its unit and reads no incident list.
        refused = {Role.INTEGRATION, Role.REFERRAL_PARTNER, Role.RESPONDER}
        expected = 403 if role in refused else 200
        assert client.get("/insiden/").status_code == expected, username
        if role == Role.RESPONDER:
            assert (
                response["Location"] == "/" and client.get("/unit/").status_code == 200
            )
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == set(Role.values)


def test_loading_the_demo_accounts_twice_keeps_them(db: None) -> None:
    first = load_demo_accounts()
    second = load_demo_accounts()

    assert len(first) >= 6
    assert second == []


def test_a_wrong_password_is_refused_in_bahasa(call_taker: User) -> None:
    response = Client().post("/akun/masuk/", {"username": "sari", "password": "salah"})

    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()


def test_signing_out_ends_the_session(call_taker: User) -> None:
    client = Client()
    client.login(username="sari", password=PASSWORD)

    client.post("/akun/keluar/")

    assert client.get("/insiden/").status_code == 302


def test_an_agency_operator_must_belong_to_an_agency(db: None) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="tanpa-opd", role=Role.AGENCY_OPERATOR)


def test_only_the_admin_role_reaches_the_admin_site(db: None) -> None:
    for role in Role.values:
        agency = "DAMKAR" if role in AGENCY_ROLES else ""
        client = Client()
        client.force_login(make_user(f"u-{role}", role, agency))
        response = client.get("/admin/")
        expected = 200 if role == Role.ADMIN else 403  # the access matrix refuses
        assert response.status_code == expected, role


def test_an_english_browser_still_gets_bahasa_until_english_is_chosen(db: None) -> None:
    client = Client(headers={"Accept-Language": "en-US,en;q=0.9"})

    page = client.get("/akun/masuk/").content.decode()

    assert "Masuk ke Siaga112" in page
