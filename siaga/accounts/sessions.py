"""Who is signed in where: the admin's list of active sessions (`/akun/sesi/`).

A session key is a bearer secret, so the page never shows one: each session is named
by a short hash of its key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.contrib.sessions.models import Session
from django.utils import timezone

from siaga.accounts.models import User

SINCE, ADDRESS = "siaga_since", "siaga_address"


def handle_of(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ActiveSession:
    handle: str
    user: User
    since: str  # ISO time of sign-in, as stored in the session
    address: str
    expires: datetime


def active_sessions() -> list[ActiveSession]:
    found = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()):
        data = session.get_decoded()
        if "_auth_user_id" in data:
            found.append((session, data))
    users = User.objects.in_bulk([int(data["_auth_user_id"]) for _, data in found])
    sessions = [
        ActiveSession(
            handle=handle_of(session.session_key),
            user=users[int(data["_auth_user_id"])],
            since=str(data.get(SINCE, "")),
            address=str(data.get(ADDRESS, "")),
            expires=session.expire_date,
        )
        for session, data in found
        if int(data["_auth_user_id"]) in users
    ]
    return sorted(sessions, key=lambda s: (s.user.username, s.since))


def session_by_handle(handle: str) -> Session | None:
    for session in Session.objects.filter(expire_date__gt=timezone.now()):
        if handle_of(session.session_key) == handle:
            return session
    return None
