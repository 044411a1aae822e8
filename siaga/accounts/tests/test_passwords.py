"""Passwords are stored as Argon2id; an older PBKDF2 hash is rehashed at login."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.test import Client

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
