"""Passwords are stored as Argon2id; an older PBKDF2 hash is rehashed at login."""

from __future__ import annotations

import threading
import time

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.test import Client

from siaga.accounts.hashers import (
    PASSWORD_CHECKS_AT_ONCE,
    BoundedArgon2PasswordHasher,
)
from siaga.accounts.models import User
from siaga.testing import PASSWORD, make_user


def test_passwords_are_stored_as_argon2id(db: None) -> None:
    user = make_user("sandi", "call_taker")
    assert user.password.startswith("argon2$argon2id$")


def test_an_older_hash_is_upgraded_at_login(db: None) -> None:
    user = make_user("lama", "call_taker")
    User.objects.filter(pk=user.pk).update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )

    response = Client().post("/akun/masuk/", {"username": "lama", "password": PASSWORD})

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")


def test_at_most_a_few_password_checks_run_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    running, most = [0], [0]
    lock = threading.Lock()

    def slow_verify(self: object, password: str, encoded: str) -> bool:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return True

    monkeypatch.setattr(Argon2PasswordHasher, "verify", slow_verify)
    hasher = BoundedArgon2PasswordHasher()
    threads = [
        threading.Thread(target=hasher.verify, args=("x", "argon2$x"))
        for _ in range(PASSWORD_CHECKS_AT_ONCE * 3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert most[0] == PASSWORD_CHECKS_AT_ONCE
