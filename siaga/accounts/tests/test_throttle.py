"""Sign-in throttling: five wrong passwords for one account from one address close
that door for 15 minutes, even to the right password; other addresses and accounts
are not affected; the window passes."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from siaga.accounts.models import SignInFailure
from siaga.testing import PASSWORD, make_user


def sign_in(username: str, password: str, address: str = "10.0.0.5") -> int:
    client = Client(REMOTE_ADDR=address)
    response = client.post("/akun/masuk/", {"username": username, "password": password})
    return int(response.status_code)


def test_five_wrong_passwords_close_the_door_for_a_while(db: None) -> None:
    make_user("sari", "call_taker")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert [sign_in("sari", "salah") for _ in range(5)] == [200] * 5
        assert sign_in("sari", PASSWORD) == 429  # even the right one, for now
        assert sign_in("sari", PASSWORD, address="10.0.0.6") == 302  # another console
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert sign_in("sari", PASSWORD) == 302
    assert not SignInFailure.objects.filter(
        username="sari", address="10.0.0.5"
    ).exists()


def test_the_refusal_says_how_long_in_bahasa(db: None) -> None:
    make_user("budi", "room_operator")
    for _ in range(5):
        sign_in("budi", "salah")
    response = Client(REMOTE_ADDR="10.0.0.5").post(
        "/akun/masuk/", {"username": "budi", "password": "salah"}
    )
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Terlalu banyak percobaan" in response.content.decode()


def test_many_accounts_guessed_from_one_address_close_it(db: None) -> None:
    for n in range(50):
        SignInFailure.objects.create(
            username=f"u{n}", address="10.9.9.9", at=timezone.now()
        )
    make_user("koor", "supervisor")
    assert sign_in("koor", PASSWORD, address="10.9.9.9") == 429
    assert sign_in("koor", PASSWORD, address="10.0.0.7") == 302
