"""Who may use what: every URL the project serves and what it needs, in one table.

`roles.ROLE_CAPABILITIES` says which capabilities each role holds; `MATRIX` below says
which capability each page, endpoint and action needs, keyed "METHOD /path" with path
parameters in braces (the OpenAPI spelling). Together they give the role × URL matrix
in `docs/access-matrix.md` (written by `siaga access-matrix --write`).

How it is enforced:
- pages: `AccessMatrix` middleware refuses a signed-in person whose role lacks the
  capability (403) and refuses every URL that is not in the table (deny by default);
  each view checks again with `access.require`, and narrows its rows (`scope`);
- API operations and hooks: each operation's own `api_user` check (a token may be
  narrower than its user: `ApiToken.scopes`);
- `siaga/tests/test_access_matrix.py` walks every URL the project serves, fails on one
  missing here, and tries every cell as every role and signed out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from siaga.accounts.roles import ROLE_CAPABILITIES, Can, Role

if TYPE_CHECKING:
    from siaga.accounts.models import User


class Open(StrEnum):
    """Rules that are not a capability."""

    PUBLIC = "public"  # anyone, without an account
    SIGNED_IN = "signed_in"  # anyone signed in, whatever the role
    SIGNED = "signed"  # a provider's signature, never a role (webhooks)


class SignedOut(StrEnum):
    """What someone without an account gets."""

    SIGN_IN = "sign_in"  # a page: redirected to the sign-in page
    UNAUTHORIZED = "401"  # the API, and feeds an EventSource reads
    FORBIDDEN = "403"  # scraped with a token; a webhook without its signature
    ALLOWED = "allowed"


@dataclass(frozen=True)
class Rule:
    needs: tuple[Can, ...] | Open  # every one of these capabilities
    any_of: tuple[Can, ...] = ()  # and, if given, at least one of these
    signed_out: SignedOut = SignedOut.SIGN_IN
    scope: str = ""  # how the rows narrow within an allowed role

    def allows(self, role: str) -> bool:
        if self.needs in (Open.PUBLIC, Open.SIGNED_IN):
            return True
        if self.needs == Open.SIGNED:
            return False
        held = ROLE_CAPABILITIES.get(role, frozenset())
        return set(self.needs) <= held and (
            not self.any_of or bool(held & set(self.any_of))
        )

    def permits(self, user: User) -> bool:
        """Whether this signed-in person (or token) may: their role, active, scopes."""
        if isinstance(self.needs, Open):
            return self.allows(str(user.role))
        return all(user.can(need) for need in self.needs) and (
            not self.any_of or any(user.can(one) for one in self.any_of)
        )


def page(
    *needs: Can, scope: str = "", signed_out: SignedOut = SignedOut.SIGN_IN
) -> Rule:
    return Rule(needs, signed_out=signed_out, scope=scope)


def api(*needs: Can, any_of: tuple[Can, ...] = (), scope: str = "") -> Rule:
    return Rule(needs, any_of, SignedOut.UNAUTHORIZED, scope)


PUBLIC = Rule(Open.PUBLIC, signed_out=SignedOut.ALLOWED)
SIGNED_IN = Rule(Open.SIGNED_IN)
SIGNED = Rule(Open.SIGNED, signed_out=SignedOut.FORBIDDEN)
OWN_AGENCY = "an agency operator: incidents dispatched to its agency only (404)"
CREW = "a crew: its own unit only"
PARTNER = "a configured partner centre only"
TRAINING = (Can.RUN_TRAINING, Can.TAKE_TRAINING)
OWN_EXERCISE = "a trainee: their own exercises only (404)"
TRAINEE_ONLY = "the exercise's own trainee only (404 to other trainees)"

MATRIX: dict[str, Rule] = {
    # The start, signing in and out, health.
    "GET /": SIGNED_IN,
    "GET /healthz": PUBLIC,
    "GET /readyz": PUBLIC,
    "GET /metrics": Rule(
        (Can.OPERATE_SERVERS,),
        signed_out=SignedOut.FORBIDDEN,
        scope="or the scrape token (SIAGA_METRICS_TOKEN)",
    ),
    "GET /akun/masuk/": PUBLIC,
    "POST /akun/masuk/": PUBLIC,
    "POST /akun/keluar/": SIGNED_IN,
    # Between password and code; with nothing pending, on to the sign-in page.
    "GET /akun/kode/": Rule(Open.PUBLIC, scope="a pending sign-in only"),
    "POST /akun/kode/": Rule(Open.PUBLIC, scope="a pending sign-in only"),
    "GET /akun/dua-langkah/": Rule(Open.SIGNED_IN, scope="one's own key only"),
    "POST /akun/dua-langkah/": Rule(Open.SIGNED_IN, scope="one's own key only"),
    "GET /akun/sesi/": page(Can.ADMINISTER),
    "POST /akun/sesi/{handle}/akhiri/": page(Can.ADMINISTER),
    "POST /i18n/setlang/": PUBLIC,
    "GET /admin/": page(Can.ADMINISTER, scope="every page and post of Django's admin"),
    # The admin's own sign-in page sends everyone to the one sign-in (code, throttle).
    "GET /admin/login/": Rule(Open.PUBLIC, scope="redirects to /akun/masuk/"),
    "POST /admin/login/": Rule(Open.PUBLIC, scope="redirects to /akun/masuk/"),
    # Incidents.
    "GET /insiden/": page(Can.VIEW_INCIDENTS, scope=OWN_AGENCY),
    "GET /insiden/kertas/": page(Can.WRITE_INCIDENTS),
    "POST /insiden/kertas/": page(Can.WRITE_INCIDENTS),
    "GET /insiden/{number}/": page(
        Can.VIEW_INCIDENTS, scope=OWN_AGENCY + "; callers shown to VIEW_CONTACTS"
    ),
    "POST /insiden/{number}/catatan/": page(Can.WRITE_INCIDENTS),
    "GET /insiden/{number}/rekaman.json": page(Can.VIEW_EVENT_LOG),
    "GET /live/events": page(
        Can.VIEW_INCIDENTS, scope=OWN_AGENCY, signed_out=SignedOut.UNAUTHORIZED
    ),
    # The call taker's console and the inbox.
    "GET /konsol/": page(Can.WRITE_CONTACTS),
    "GET /konsol/antrean/": page(Can.WRITE_CONTACTS),
    "GET /konsol/tempat/": page(Can.WRITE_CONTACTS),
    "GET /konsol/ganda/": page(Can.WRITE_CONTACTS),
    "GET /konsol/wilayah/": page(Can.WRITE_CONTACTS),
    "POST /konsol/panggilan-manual/": page(Can.WRITE_CONTACTS),
    "POST /konsol/kontak/{contact_id}/": page(Can.WRITE_CONTACTS),
    "POST /konsol/kontak/{contact_id}/telepon-balik/": page(Can.WRITE_CONTACTS),
    "GET /konsol/pesan/": page(Can.WRITE_CONTACTS),
    "POST /konsol/pesan/{contact_id}/balas/": page(Can.WRITE_CONTACTS),
    "POST /konsol/pesan/keluar/{message_id}/ulang/": page(Can.WRITE_CONTACTS),
    "GET /konsol/media/{media_id}/": page(Can.VIEW_CONTACTS),
    # An agency's console.
    "GET /opd/": page(Can.RESPOND_TO_DISPATCH, scope=OWN_AGENCY),
    "POST /opd/{number}/jawab/": page(Can.RESPOND_TO_DISPATCH, scope=OWN_AGENCY),
    "POST /opd/{number}/bantuan/": page(Can.RESPOND_TO_DISPATCH, scope=OWN_AGENCY),
    "POST /opd/{number}/perjalanan/": page(Can.RESPOND_TO_DISPATCH, scope=OWN_AGENCY),
    "POST /opd/unit/{call_sign}/tugaskan/": page(
        Can.RESPOND_TO_DISPATCH, scope="its own agency's units"
    ),
    "POST /opd/unit/{call_sign}/status/": page(
        Can.RESPOND_TO_DISPATCH, scope="its own agency's units"
    ),
    # A unit's crew, on its phone.
    "GET /unit/": page(Can.CREW_UNIT, scope=CREW),
    "POST /unit/naik/": page(Can.CREW_UNIT, scope="its own agency's units"),
    "POST /unit/turun/": page(Can.CREW_UNIT, scope=CREW),
    "POST /unit/status/": page(Can.CREW_UNIT, scope=CREW),
    "POST /unit/serah-terima/": page(Can.CREW_UNIT, scope=CREW),
    # The theatre's board, statistics, shifts, servers.
    "GET /papan/": page(Can.VIEW_BOARD),
    "GET /papan/peta.json": page(Can.VIEW_INCIDENTS, scope=OWN_AGENCY),
    "GET /statistik/": page(Can.VIEW_STATISTICS, scope="an agency: its own figures"),
    "GET /statistik/laporan/": page(Can.VIEW_STATISTICS),
    "GET /statistik/laporan/{month}.{kind}": page(
        Can.VIEW_STATISTICS, scope="an agency: its own figures"
    ),
    "GET /statistik/data-terbuka/{month}.csv": page(
        Can.VIEW_STATISTICS, scope="no personal data for anyone"
    ),
    "GET /giliran/": page(Can.KEEP_SHIFTS),
    "POST /giliran/masuk/": page(Can.KEEP_SHIFTS),
    "POST /giliran/keluar/": page(Can.KEEP_SHIFTS),
    "POST /giliran/serah/": page(Can.KEEP_SHIFTS),
    "POST /giliran/serah/{handover_id}/terima/": page(
        Can.KEEP_SHIFTS, scope="handovers to one's own desk"
    ),
    "GET /giliran/rota/": page(Can.PLAN_ROTA),
    "POST /giliran/rota/tambah/": page(Can.PLAN_ROTA),
    "GET /giliran/beban/": page(Can.PLAN_ROTA),
    # Training: exercises on scripted calls, outside every live table.
    "GET /latihan/": Rule((), TRAINING, scope="a trainee: their own exercises only"),
    "POST /latihan/mulai/": page(Can.RUN_TRAINING),
    "GET /latihan/{exercise_id}/": Rule((), TRAINING, scope=OWN_EXERCISE),
    "POST /latihan/{exercise_id}/angkat/": Rule((), TRAINING, scope=TRAINEE_ONLY),
    "POST /latihan/{exercise_id}/jawab/": Rule((), TRAINING, scope=TRAINEE_ONLY),
    "GET /server/": page(Can.OPERATE_SERVERS),
    "POST /server/latihan/": page(Can.OPERATE_SERVERS),
    "POST /server/kertas/": page(Can.OPERATE_SERVERS),
    "POST /server/latihan/{drill_id}/batal/": page(Can.OPERATE_SERVERS),
    # Referrals to and from neighbours, alerts.
    "GET /rujukan/": page(Can.WRITE_INCIDENTS),
    "POST /rujukan/insiden/{number}/": page(Can.WRITE_INCIDENTS),
    "POST /rujukan/{referral_id}/jawab/": page(Can.WRITE_INCIDENTS),
    "POST /rujukan/{referral_id}/terima/": page(Can.WRITE_INCIDENTS),
    "POST /rujukan/{referral_id}/tolak/": page(Can.WRITE_INCIDENTS),
    "GET /peringatan/": page(Can.ISSUE_ALERTS),
    "POST /peringatan/": page(Can.ISSUE_ALERTS),
    "GET /peringatan/feed.atom": PUBLIC,
    "POST /peringatan/{identifier}/batal/": page(Can.ISSUE_ALERTS),
    # Residents, without an account: their report and its tracking code.
    "GET /lapor/": PUBLIC,
    "POST /lapor/": PUBLIC,
    "GET /lacak/{code}/": Rule(
        Open.PUBLIC, signed_out=SignedOut.ALLOWED, scope="status only, nothing personal"
    ),
    # The API.
    "GET /api/v1/openapi.json": PUBLIC,
    "GET /api/v1/docs": PUBLIC,
    "GET /api/v1/incidents": api(Can.VIEW_INCIDENTS, scope=OWN_AGENCY),
    "POST /api/v1/incidents": api(Can.WRITE_INCIDENTS),
    "GET /api/v1/incidents/{number}": api(Can.VIEW_INCIDENTS, scope=OWN_AGENCY),
    "PATCH /api/v1/incidents/{number}": api(
        Can.WRITE_INCIDENTS, scope="changing agencies needs DISPATCH"
    ),
    "POST /api/v1/incidents/{number}/status": api(Can.WRITE_INCIDENTS),
    "GET /api/v1/incidents/{number}/events": api(Can.VIEW_INCIDENTS, scope=OWN_AGENCY),
    "POST /api/v1/incidents/{number}/dispatches": api(Can.DISPATCH),
    "POST /api/v1/incidents/{number}/dispatches/{agency}/acknowledge": api(
        Can.RESPOND_TO_DISPATCH, scope="an agency operator: its own agency's dispatch"
    ),
    "GET /api/v1/incidents/{number}/recommendations": api(
        Can.VIEW_INCIDENTS,
        any_of=(Can.DISPATCH, Can.RESPOND_TO_DISPATCH),
        scope=OWN_AGENCY,
    ),
    "GET /api/v1/incidents/{number}/eido": api(Can.VIEW_CONTACTS),
    "POST /api/v1/incidents/{number}/referrals": api(Can.WRITE_INCIDENTS),
    "GET /api/v1/categories": api(Can.VIEW_REFERENCE),
    "GET /api/v1/alerts": api(Can.VIEW_REFERENCE),
    "POST /api/v1/alerts": api(Can.ISSUE_ALERTS),
    "GET /api/v1/alerts/{identifier}.cap.xml": PUBLIC,  # alerts are for everyone
    "GET /api/v1/alerts/{identifier}": api(Can.VIEW_REFERENCE),
    "POST /api/v1/alerts/{identifier}/update": api(Can.ISSUE_ALERTS),
    "POST /api/v1/alerts/{identifier}/cancel": api(Can.ISSUE_ALERTS),
    "GET /api/v1/contacts": api(Can.VIEW_CONTACTS),
    "POST /api/v1/contacts": api(Can.WRITE_CONTACTS),
    "GET /api/v1/contacts/{contact_id}": api(Can.VIEW_CONTACTS),
    "PATCH /api/v1/contacts/{contact_id}": api(Can.WRITE_CONTACTS),
    "POST /api/v1/reports": api(Can.SUBMIT_REPORTS),
    "GET /api/v1/units": api(Can.VIEW_INCIDENTS, scope="an agency operator: its own"),
    "POST /api/v1/units/{call_sign}/positions": api(Can.REPORT_POSITIONS, scope=CREW),
    "POST /api/v1/units/{call_sign}/assign": api(
        Can.RESPOND_TO_DISPATCH, scope="its own agency's units"
    ),
    "GET /api/v1/referrals": api(Can.WRITE_INCIDENTS),
    "POST /api/v1/referrals/{referral_id}/accept": api(Can.WRITE_INCIDENTS),
    "POST /api/v1/referrals/{referral_id}/decline": api(Can.WRITE_INCIDENTS),
    "POST /api/v1/eido/requests": api(Can.EXCHANGE_REFERRALS, scope=PARTNER),
    "POST /api/v1/eido/responses": api(Can.EXCHANGE_REFERRALS, scope=PARTNER),
    # Hooks: the PBX and SMS gateway with a token; providers by their signatures.
    "POST /hooks/telephony": api(Can.SUBMIT_REPORTS),
    "POST /hooks/sms": api(Can.SUBMIT_REPORTS),
    "POST /hooks/aml": Rule(
        Open.PUBLIC, signed_out=SignedOut.ALLOWED, scope="HMAC when configured"
    ),
    "GET /hooks/whatsapp": SIGNED,
    "POST /hooks/whatsapp": SIGNED,
    "POST /hooks/telegram": SIGNED,
    "GET /hooks/meta": SIGNED,
    "POST /hooks/meta": SIGNED,
    "GET /hooks/x": SIGNED,
    "POST /hooks/x": SIGNED,
}


def route_key(route: str) -> str:
    """A Django route as the matrix spells it: "insiden/<str:number>/" is
    "/insiden/{number}/"."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def rule_for(method: str, route: str) -> Rule | None:
    """The rule for a request (HEAD as GET); None when the URL is not in the table."""
    verb = "GET" if method == "HEAD" else method
    return MATRIX.get(f"{verb} {route_key(route)}")


def methods_of(route: str) -> set[str]:
    path = route_key(route)
    return {key.split(" ", 1)[0] for key in MATRIX if key.split(" ", 1)[1] == path}


def as_markdown(roles: Iterable[str] = tuple(Role.values)) -> str:
    """The table for docs/access-matrix.md: ✓ allowed, · refused."""
    roles = list(roles)
    head = ["URL", *roles, "signed out", "narrowed to"]
    lines = [
        "# Access matrix",
        "",
        "Generated from `siaga/accounts/matrix.py` by `siaga access-matrix --write`;",
        "a test fails when this file and the code disagree.",
        "✓ allowed, · refused (403). Signed out: `sign_in` redirects to the sign-in",
        "page; `401` and `403` are refusals.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for key, rule in MATRIX.items():
        cells = ["✓" if rule.allows(role) else "·" for role in roles]
        lines.append(
            "| "
            + " | ".join([f"`{key}`", *cells, rule.signed_out.value, rule.scope])
            + " |"
        )
    return "\n".join(lines) + "\n"
