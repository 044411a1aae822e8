"""Deny by default: every page and endpoint refuses anyone without the right, by role.

The matrix below is the whole API, each operation against each role; a new endpoint
must be added here (test_the_matrix_covers_every_operation fails otherwise).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from siaga.accounts.models import User
from siaga.accounts.roles import AGENCY_ROLES, Role
from siaga.areas.models import Area
from siaga.incidents.models import Incident
from siaga.referrals.actions import receive_referral, save_referral_partner
from siaga.referrals.models import Referral
from siaga.testing import api_client, make_user
from siaga.tests.test_openapi import EXPECTED, PUBLIC
from siaga.units.actions import crew_unit
from siaga.units.models import Unit

MakeIncident = Callable[..., Incident]
ALL = set(Role.values)
# Machine accounts: the city app or a gateway (integration), another 112 centre; and a
# unit's crew, who sees its own assignment on its phone and nothing else.
PEOPLE = ALL - {Role.INTEGRATION, Role.REFERRAL_PARTNER, Role.RESPONDER}
READERS = ALL - {Role.REFERRAL_PARTNER, Role.RESPONDER}  # the category list and alerts
FLOOR = {Role.CALL_TAKER, Role.ROOM_OPERATOR, Role.SUPERVISOR, Role.ADMIN}
GATEWAYS = FLOOR | {Role.INTEGRATION}
AGENCY = {Role.AGENCY_OPERATOR, Role.ADMIN}
ISSUERS = {Role.SUPERVISOR, Role.ADMIN}
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
# (method, path, body, roles allowed); {number} is the incident made for each test.
MATRIX: list[tuple[str, str, object, set[Role] | set[str]]] = [
    ("get", "/api/v1/incidents", None, PEOPLE),
    ("post", "/api/v1/incidents", {"category": "lainnya"}, FLOOR),
    ("get", "/api/v1/incidents/{number}", None, PEOPLE),
    ("patch", "/api/v1/incidents/{number}", {"priority": 2}, FLOOR),
    ("post", "/api/v1/incidents/{number}/status", {"status": "resolved"}, FLOOR),
    ("get", "/api/v1/incidents/{number}/events", None, PEOPLE),
    ("post", "/api/v1/incidents/{number}/dispatches", {"agency": "POLRES"}, FLOOR),
    (
        "post",
        "/api/v1/incidents/{number}/dispatches/{agency}/acknowledge",
        None,
        AGENCY,
    ),
    ("get", "/api/v1/categories", None, READERS),
    ("get", "/api/v1/alerts", None, READERS),
    ("post", "/api/v1/alerts", ALERT, ISSUERS),
    ("get", "/api/v1/alerts/{identifier}.cap.xml", None, ALL),  # public by design
    ("get", "/api/v1/alerts/{identifier}", None, READERS),
    ("post", "/api/v1/alerts/{identifier}/update", ALERT, ISSUERS),
    ("post", "/api/v1/alerts/{identifier}/cancel", {"note": "uji"}, ISSUERS),
    ("get", "/api/v1/contacts", None, FLOOR),
    ("post", "/api/v1/contacts", {"channel": "call"}, FLOOR),
    ("get", "/api/v1/contacts/{contact_id}", None, FLOOR),
    ("patch", "/api/v1/contacts/{contact_id}", {"classification": "prank"}, FLOOR),
    (
        "post",
        "/api/v1/reports",
        {"report_id": "r1", "reporter": {"id": "u1"}, "text": "tolong"},
        GATEWAYS,
    ),
    ("get", "/api/v1/incidents/{number}/eido", None, FLOOR),
    (
        "post",
        "/api/v1/incidents/{number}/referrals",
        {"neighbour": "36.03", "method": "phone", "phone_number": "112"},
        FLOOR,
    ),
    ("get", "/api/v1/referrals", None, FLOOR),
    ("get", "/api/v1/units", None, PEOPLE),
    (
        "get",
        "/api/v1/incidents/{number}/recommendations",
        None,
        FLOOR | {Role.AGENCY_OPERATOR},
    ),
    ("post", "/api/v1/units/{call_sign}/assign", {"incident": "{number}"}, AGENCY),
    (
        "post",
        "/api/v1/units/{call_sign}/positions",
        {"positions": [{"lat": -6.18, "lon": 106.63}]},
        # A crew only its own unit: here it is signed on to DAMKAR-01.
        {Role.AGENCY_OPERATOR, Role.INTEGRATION, Role.ADMIN, Role.RESPONDER},
    ),
    ("post", "/api/v1/referrals/{referral_id}/accept", None, FLOOR),
    (
        "post",
        "/api/v1/referrals/{referral_id}/decline",
        {"reason": "bukan wilayah kami"},
        FLOOR,
    ),
    # Only a configured partner centre may post these (tested in referrals/tests).
    ("post", "/api/v1/eido/requests", {"requestForService": {}}, set()),
    ("post", "/api/v1/eido/responses", {"response": {}}, set()),
    ("post", "/hooks/telephony", {"call_id": "c1", "event": "ringing"}, GATEWAYS),
    ("post", "/hooks/sms", {"from": "081234567890", "text": "tolong"}, GATEWAYS),
    ("post", "/hooks/aml", None, ALL),  # public by design; see test_openapi.PUBLIC
    # Signed by the provider, not by role: refused to everyone without the signature.
    ("get", "/hooks/whatsapp", None, set()),
    ("post", "/hooks/whatsapp", {"entry": []}, set()),
    ("post", "/hooks/telegram", {"update_id": 1}, set()),
    ("get", "/hooks/meta", None, set()),
    ("post", "/hooks/meta", {"object": "page", "entry": []}, set()),
    ("get", "/hooks/x", None, set()),
    ("post", "/hooks/x", {"for_user_id": "1"}, set()),
]
# Residents use /lapor/ and /lacak/<code>/ without an account (they show nothing
# personal; tested in intake/tests/test_reports_and_tracking.py).
PUBLIC_PAGES = {
    "/akun/masuk/",
    "/healthz",
    "/readyz",
    "/i18n/setlang/",
    "/lapor/",
    "/lacak/<str:code>/",
    "/peringatan/feed.atom",  # public alerts; tested in alerts/tests/test_feed.py
}
# Answer 401 themselves: an EventSource cannot follow a redirect to the login page.
FEEDS = {"/live/events"}
# Scraped with a bearer token (or an operator's session): 403 without (ops/tests).
SCRAPED = {"/metrics"}


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


def test_the_matrix_covers_every_operation() -> None:
    assert {(method, path) for method, path, *_ in MATRIX} == EXPECTED


def call(client: Client, method: str, path: str, body: object) -> int:
    data = json.dumps(body) if body is not None else None
    response = getattr(client, method)(path, data, content_type="application/json")
    return int(response.status_code)


@pytest.mark.parametrize(("method", "path", "body", "allowed"), MATRIX)
@pytest.mark.parametrize("role", sorted(ALL))
def test_each_role_is_refused_what_it_may_not_do(
    make_incident: MakeIncident,
    role: str,
    method: str,
    path: str,
    body: object,
    allowed: set[str],
) -> None:
    from siaga.alerts.tests.helpers import make_alert
    from siaga.intake.actions import record_contact

    incident = make_incident(agencies=("DAMKAR",))
    alert = make_alert()
    contact, _ = record_contact(channel="call", sender="081234567890", actor=None)
    user: User = make_user(f"u-{role}", role, "DAMKAR" if role in AGENCY_ROLES else "")
    if role == Role.RESPONDER:
        crew_unit(user, Unit.objects.get(call_sign="DAMKAR-01"), actor=user)
    referral = incoming_referral()
    url = path.format(
        number=incident.number,
        agency="DAMKAR",
        contact_id=contact.public_id,
        referral_id=referral.public_id,
        identifier=alert.identifier,
        call_sign="DAMKAR-01",
    )

    if isinstance(body, dict) and body.get("incident") == "{number}":
        body = body | {"incident": incident.number}
    status = call(api_client(user), method, url, body)

    if role in allowed:
        assert status < 400, (role, method, url, status)
    else:
        assert status == 403, (role, method, url, status)


@pytest.mark.parametrize(("method", "path", "body", "allowed"), MATRIX)
def test_anonymous_callers_get_401(
    db: None, method: str, path: str, body: object, allowed: set[str]
) -> None:
    url = path.format(
        number="TNG-20261204-0001",
        agency="DAMKAR",
        contact_id="x",
        referral_id="x",
        identifier="TNG-ALERT-20261204-0001",
        call_sign="DAMKAR-01",
    )
    if (method, path) in PUBLIC:
        pytest.skip("public by design")
    assert call(Client(), method, url, body) == 401


def page_paths() -> list[str]:
    """Every page URL the project serves outside the API and the admin."""

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> list[str]:
        paths = []
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith(("api/", "admin/", "hooks/")):
                    paths += walk(pattern.url_patterns, route)
            else:
                route = route.replace("<str:number>", "TNG-20261204-0001")
                paths.append("/" + re.sub(r"<int:\w+>", "1", route))
        return paths

    return walk(get_resolver().url_patterns, "")


def test_every_page_but_the_public_ones_needs_a_login(db: None) -> None:
    pages = page_paths()
    assert "/insiden/" in pages

    for path in pages:
        if path in PUBLIC_PAGES or path.startswith(("/api/", "/admin/", "/hooks/")):
            continue
        response = Client().get(path)
        if path in FEEDS:
            assert response.status_code == 401, path
            continue
        if path in SCRAPED:
            assert response.status_code == 403, path
            continue
        assert response.status_code == 302, path
        assert response["Location"].startswith("/akun/masuk/"), path
