"""Demo accounts: one per role, and one agency operator per agency of the 112 team."""

from __future__ import annotations

from django.db import transaction

from siaga.accounts.actions import create_user
from siaga.accounts.models import User
from siaga.accounts.roles import Role
from siaga.agencies.models import Agency

DEMO_PASSWORD = "siaga112-demo"  # noqa: S105 (demo only; refused in production)

DEMO_ACCOUNTS = [
    ("telepon", Role.CALL_TAKER, "", "Operator Telepon (demo)"),
    ("ruangan", Role.ROOM_OPERATOR, "", "Operator Ruangan (demo)"),
    ("koordinator", Role.SUPERVISOR, "", "Koordinator (demo)"),
    ("admin", Role.ADMIN, "", "Admin (demo)"),
    ("theater", Role.WALLBOARD, "", "Layar Theater (demo)"),
    # A machine account: the city app's server posts reports with its API token.
    ("aplikasi", Role.INTEGRATION, "", "Aplikasi kota (demo)"),
    # Another centre's server; `siaga add-partner` makes real ones.
    ("mitra-demo", Role.REFERRAL_PARTNER, "", "Mitra rujukan (demo)"),
]


def demo_accounts() -> list[tuple[str, str, str, str]]:
    """(username, role, agency code, name): the
    fixed roles, then one per team agency."""
    agencies = Agency.objects.active().filter(is_partner=False).order_by("code")
    per_agency = [
        (
            a.code.lower(),
            Role.AGENCY_OPERATOR.value,
            a.code,
            f"Operator {a.short_name} (demo)",
        )
        for a in agencies
    ]
    # A crew login per agency with units: it signs on to a unit on its phone.
    crews = [
        (f"kru-{a.code.lower()}", Role.RESPONDER.value, a.code, f"Kru {a.short_name}")
        for a in agencies.filter(units__isnull=False).distinct()
    ]
    fixed = [(name, role.value, code, full) for name, role, code, full in DEMO_ACCOUNTS]
    return fixed + per_agency + crews


@transaction.atomic
def load_demo_accounts() -> list[str]:
    """Create the demo accounts that do not exist yet; return their usernames."""
    created = []
    for username, role, agency_code, full_name in demo_accounts():
        if User.objects.filter(username=username).exists():
            continue
        agency = Agency.objects.get(code=agency_code) if agency_code else None
        create_user(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            agency=agency,
            full_name=full_name,
            actor=None,
        )
        created.append(username)
    return created
