"""Every cell of the access matrix (`siaga/accounts/matrix.py`), tried.

The URLs come from the project's own URL resolver, so a new URL without a row in the
matrix fails `test_every_url_served_is_in_the_matrix`; each row is then tried as every
role (refused → 403, allowed → anything else) and signed out. The narrowing within a
role (another agency's incident, another crew's unit) is tried at the end.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from siaga.accounts.matrix import MATRIX, Open, SignedOut, as_markdown, route_key
from siaga.accounts.models import User
from siaga.accounts.roles import AGENCY_ROLES, ROLE_CAPABILITIES, Can, Role
from siaga.areas.models import Area
from siaga.incidents.models import Incident
from siaga.lib.fields import WIB
from siaga.referrals.actions import receive_referral, save_referral_partner
from siaga.referrals.models import Referral, ReferralPartner
from siaga.testing import api_client, make_user, page_client
from siaga.tests.test_openapi import EXPECTED
from siaga.units.actions import crew_unit
from siaga.units.models import Unit

MakeIncident = Callable[..., Incident]
ALERT = {
    "category": "Met",
    "event": "Banjir",
    "urgency": "Immediate",
    "severity": "Severe",
    "certainty": "Observed",
    "headline": "Banjir di Kec. Tangerang",
    "expires": "2099-12-31T00:00:00+07:00",
    "areas": ["36.71.01"],
}
# A body each API operation accepts from an allowed role (pages are posted empty: an
# allowed role then gets a form error or a message, never 403).
BODIES: dict[str, object] = {
    "POST /api/v1/incidents": {"category": "lainnya"},
    "PATCH /api/v1/incidents/{number}": {"priority": 2},
    "POST /api/v1/incidents/{number}/status": {"status": "resolved"},
    "POST /api/v1/incidents/{number}/dispatches": {"agency": "POLRES"},
    "POST /api/v1/alerts": ALERT,
    "POST /api/v1/alerts/{identifier}/update": ALERT,
    "POST /api/v1/alerts/{identifier}/cancel": {"note": "uji"},
    "POST /api/v1/contacts": {"channel": "call"},
    "PATCH /api/v1/contacts/{contact_id}": {"classification": "prank"},
    "POST /api/v1/reports": {"report_id": "r1", "reporter": {"id": "u1"}, "text": "x"},
    "POST /api/v1/incidents/{number}/referrals": {
        "neighbour": "36.03",
        "method": "phone",
        "phone_number": "112",
    },
    "POST /api/v1/units/{call_sign}/assign": {"incident": "{number}"},
    "POST /api/v1/units/{call_sign}/positions": {
        "positions": [{"lat": -6.18, "lon": 106.63}]
    },
    "POST /api/v1/referrals/{referral_id}/decline": {"reason": "bukan wilayah kami"},
    "POST /api/v1/eido/requests": {"requestForService": {}},
    "POST /api/v1/eido/responses": {"response": {}},
    "POST /hooks/telephony": {"call_id": "c1", "event": "ringing"},
    "POST /hooks/sms": {"from": "081234567890", "text": "tolong"},
    "POST /hooks/whatsapp": {"entry": []},
    "POST /hooks/telegram": {"update_id": 1},
    "POST /hooks/meta": {"object": "page", "entry": []},
    "POST /hooks/x": {"for_user_id": "1"},
}
SIGN_OUT = "POST /akun/keluar/"  # ends, of course, at the sign-in page


def served(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    """Every route the project answers, Django's admin as one ("admin/")."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if route == "admin/":
            yield route
        elif isinstance(pattern, URLResolver):
            yield from served(pattern.url_patterns, route)
        elif pattern.name != "api-root":  # ninja's root, behind the home page
            yield route


def test_every_url_served_is_in_the_matrix() -> None:
    routes = {route_key(route) for route in served(get_resolver().url_patterns)}
    in_matrix = {key.split(" ", 1)[1] for key in MATRIX}

    assert routes - in_matrix == set(), "add these URLs to siaga/accounts/matrix.py"
    assert in_matrix - routes == set(), "these rows match no URL any more"


def test_the_api_rows_are_the_documented_operations() -> None:
    rows = {
        (key.split(" ", 1)[0].lower(), key.split(" ", 1)[1])
        for key in MATRIX
        if key.split(" ", 1)[1].startswith(("/api/v1/", "/hooks/"))
    }
    documents = {("get", "/api/v1/openapi.json"), ("get", "/api/v1/docs")}
    assert rows - documents == EXPECTED


def test_the_published_matrix_is_the_code() -> None:
    published = Path(settings.BASE_DIR, "docs", "access-matrix.md").read_text("utf-8")
    assert published == as_markdown(), "run: siaga access-matrix --write"


def test_a_wallboard_and_a_crew_never_write_beyond_their_own() -> None:
    writes = [key for key in MATRIX if not key.startswith("GET ")]
    for key in writes:
        rule = MATRIX[key]
        if rule.needs in (Open.PUBLIC, Open.SIGNED_IN):
            continue  # signing in and out, one's own language and key
        assert not rule.allows(Role.WALLBOARD), key
        assert not rule.allows(Role.RESPONDER) or rule.scope, key


def test_a_url_outside_the_matrix_is_refused_to_everyone(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    without = {key: rule for key, rule in MATRIX.items() if key != "GET /papan/"}
    monkeypatch.setattr("siaga.accounts.matrix.MATRIX", without)
    client = page_client(make_user("koordinator", Role.SUPERVISOR))

    assert client.get("/papan/").status_code == 403
    assert client.get("/insiden/").status_code == 200


@dataclass(frozen=True)
class Fixtures:
    incident: Incident
    contact_id: str
    referral: Referral
    identifier: str

    def url(self, path: str) -> str:
        return path.format(
            number=self.incident.number,
            agency="DAMKAR",
            contact_id=self.contact_id,
            referral_id=self.referral.public_id,
            identifier=self.identifier,
            call_sign="DAMKAR-01",
            handle="0123456789abcdef",
            message_id=uuid.uuid4(),
            media_id=uuid.uuid4(),
            month="2026-11",
            kind="csv",
            handover_id=1,
            exercise_id=1,
            drill_id=1,
            code="TIDAKADA",
        )


def incoming_referral() -> Referral:
    """A neighbour's request waiting on the floor, for the accept/decline rows."""
    neighbour = Area.objects.get(code="36.03")
    partner, _ = save_referral_partner(
        code=neighbour.code, base_url="http://127.0.0.1:9", actor=None
    )
    referral, _ = receive_referral(
        partner, request_id="matrix-1", summary="x", raw="{}", actor=None
    )
    return referral


@pytest.fixture
def fixtures(make_incident: MakeIncident) -> Fixtures:
    from siaga.alerts.tests.helpers import make_alert
    from siaga.intake.actions import record_contact

    contact, _ = record_contact(channel="call", sender="081234567890", actor=None)
    return Fixtures(
        incident=make_incident(agencies=("DAMKAR",)),
        contact_id=str(contact.public_id),
        referral=incoming_referral(),
        identifier=make_alert().identifier,
    )


def person(role: str) -> User:
    """Someone of the role; the partner is the configured neighbour's own account."""
    if role == Role.REFERRAL_PARTNER:
        return ReferralPartner.objects.get(neighbour__code="36.03").account
    user = make_user(f"u-{role}", role, "DAMKAR" if role in AGENCY_ROLES else "")
    if role == Role.RESPONDER:
        crew_unit(user, Unit.objects.get(call_sign="DAMKAR-01"), actor=user)
    return user


def is_api(path: str) -> bool:
    return path.startswith(("/api/", "/hooks/"))


def ask(client: Client, key: str, url: str, fixtures: Fixtures) -> int:
    method, path = key.split(" ", 1)
    body = BODIES.get(key)
    if isinstance(body, dict) and body.get("incident") == "{number}":
        body = body | {"incident": fixtures.incident.number}
    data = json.dumps(body) if body is not None else None
    if is_api(path) or data is not None:
        response = client.generic(method, url, data or "", "application/json")
    else:
        response = getattr(client, method.lower())(url)
    # A feed's stream is never read. (Not closed either: close() would fire
    # request_finished, which closes the connection inside the test's transaction.)
    if MATRIX[key].needs == Open.PUBLIC or key == SIGN_OUT:
        return int(response.status_code)  # /akun/kode/ sends the signed-in onwards
    if response.status_code == 302 and "/masuk/" in response.get("Location", ""):
        return 401  # sent to the sign-in page: not let in
    return int(response.status_code)


def client_for(user: User, path: str) -> Client:
    """A token for the API and hooks, a session for pages."""
    return api_client(user) if is_api(path) else page_client(user)


@dataclass(frozen=True)
class Clients:
    """One person of the role, signed in both ways once."""

    api: Client
    pages: Client

    @classmethod
    def of(cls, role: str) -> Clients:
        user = person(role)
        return cls(api_client(user), page_client(user))

    def for_path(self, path: str) -> Client:
        return self.api if is_api(path) else self.pages


def cell(role: str, key: str, fixtures: Fixtures, clients: Clients) -> str | None:
    """What went wrong with this cell, or None. Each is tried in a savepoint rolled
    back after, so one cell's action (a resolved incident) never colours the next."""
    rule, path = MATRIX[key], key.split(" ", 1)[1]
    with transaction.atomic():
        status = ask(clients.for_path(path), key, fixtures.url(path), fixtures)
        transaction.set_rollback(True)
    if rule.allows(role) and status in (401, 403):
        return f"{key}: {status}, should be let in"
    if not rule.allows(role) and status != 403:
        return f"{key}: {status}, should be 403"
    return None


@pytest.mark.parametrize("role", sorted(Role.values))
def test_each_role_gets_its_cell_of_every_row(fixtures: Fixtures, role: str) -> None:
    clients = Clients.of(role)
    last_sign_out = sorted(MATRIX, key=lambda key: key == SIGN_OUT)
    wrong = [k for key in last_sign_out if (k := cell(role, key, fixtures, clients))]

    assert wrong == [], role


def signed_out_cell(key: str, fixtures: Fixtures) -> str | None:
    method, path = key.split(" ", 1)
    response = Client(HTTP_ACCEPT="text/html").generic(method, fixtures.url(path))
    status, where = response.status_code, response.get("Location", "")
    expected = MATRIX[key].signed_out
    if expected == SignedOut.SIGN_IN:
        right = status == 302 and where.startswith(("/akun/masuk/", "/admin/login/"))
    elif expected == SignedOut.ALLOWED:
        right = status not in (401, 403) and "/masuk/" not in where
    else:
        right = status == int(expected.value)
    return None if right else f"{key}: {status} {where}, should be {expected.value}"


def test_signed_out_gets_its_cell_of_every_row(fixtures: Fixtures) -> None:
    wrong = [found for key in MATRIX if (found := signed_out_cell(key, fixtures))]

    assert wrong == []


def test_every_capability_is_needed_somewhere_and_held_by_someone() -> None:
    needed = {
        need
        for rule in MATRIX.values()
        if not isinstance(rule.needs, Open)
        for need in (*rule.needs, *rule.any_of)
    }
    held = set().union(*ROLE_CAPABILITIES.values())
    assert needed == set(Can) == held


# Within an allowed role: the rows narrow. (role, key, why, expected status)
NARROWED = [
    (Role.AGENCY_OPERATOR, "GET /insiden/{number}/", "another agency's", 404),
    (Role.AGENCY_OPERATOR, "GET /api/v1/incidents/{number}", "another agency's", 404),
    (Role.AGENCY_OPERATOR, "GET /api/v1/incidents/{number}/events", "", 404),
    (Role.AGENCY_OPERATOR, "GET /api/v1/incidents/{number}/recommendations", "", 404),
    (Role.AGENCY_OPERATOR, "POST /opd/{number}/jawab/", "another agency's", 404),
    (Role.RESPONDER, "POST /api/v1/units/{call_sign}/positions", "another unit", 404),
]


@pytest.mark.parametrize(("role", "key", "why", "expected"), NARROWED)
def test_within_a_role_the_rows_narrow(
    fixtures: Fixtures, role: str, key: str, why: str, expected: int
) -> None:
    """BPBD's operator asks for DAMKAR's incident; DAMKAR-01's crew moves DKP's unit."""
    user = make_user(
        f"bpbd-{role}", role, "BPBD" if role != Role.RESPONDER else "DAMKAR"
    )
    if role == Role.RESPONDER:
        crew_unit(user, Unit.objects.get(call_sign="DAMKAR-01"), actor=user)
    path = key.split(" ", 1)[1]
    client = client_for(user, path)
    url = fixtures.url(path).replace("DAMKAR-01", "DKP-POHON-1")

    assert ask(client, key, url, fixtures) == expected, why


def test_an_agency_sees_its_own_statistics_whatever_it_asks_for(
    fixtures: Fixtures,
) -> None:
    client = page_client(make_user("bpbd", Role.AGENCY_OPERATOR, "BPBD"))

    response = client.get("/statistik/laporan/2026-11.csv?opd=DAMKAR")

    assert response.status_code == 200
    assert "BPBD" in response["Content-Disposition"].upper()


# Personal data: a caller's number and words, on a fire (whose category does not share
# the caller's number with the agency).
NUMBER, WORDS = "081299887766", "rumah Bu Sri di Gang Kenanga 12"
# The number in every spelling (masked, "0812-****-7766", is fine). Never a short run
# of digits: an event id or a hash could hold one by chance.
SECRET_PARTS = ("99887766", "9988-7766", "9988 7766", WORDS)
# The roles that may read callers' data (VIEW_CONTACTS) are left out: they may.
WITHOUT_CONTACTS = sorted(
    role for role in Role.values if Can.VIEW_CONTACTS not in ROLE_CAPABILITIES[role]
)


@pytest.mark.parametrize("role", WITHOUT_CONTACTS)
def test_nothing_a_role_may_read_shows_a_callers_number_or_words(
    fixtures: Fixtures, role: str
) -> None:
    """Every GET the matrix allows the role (pages, API, exports: the monthly report in
    each format, the open data), fetched with a caller's contact on the fire."""
    from siaga.intake.actions import link_contact, record_contact
    from siaga.intake.actions.outbox import queue_message

    contact, _ = record_contact(
        channel="whatsapp",
        sender=NUMBER,
        text=WORDS,
        reply_to="6281299887766",
        provider_id="wamid.matrix",
        actor=None,
    )
    link_contact(contact, incident=fixtures.incident, actor=None)
    reply = f"Petugas menuju {WORDS}"  # a reply quoting the caller: theirs too
    queue_message(contact, text=reply, purpose="reply", actor=None)
    clients = Clients.of(role)
    readable = [
        key
        for key, rule in MATRIX.items()
        if key.startswith("GET ") and rule.allows(role) and rule.needs != Open.PUBLIC
    ]
    month = fixtures.incident.opened_at.astimezone(WIB).strftime("%Y-%m")
    leaks = []
    for key in readable:
        path = key.split(" ", 1)[1]
        for kind in ("csv", "xlsx", "pdf") if "{kind}" in path else ("",):
            url = fixtures.url(path).replace("2026-11", month)
            url = url.replace(".csv", f".{kind}") if kind else url
            response = clients.for_path(path).get(url)
            if response.streaming:
                continue  # the live feed: event types and numbers only
            body = response.content.decode("utf-8", "replace")
            leaks += [(url, part) for part in SECRET_PARTS if part in body]

    assert readable and leaks == []
