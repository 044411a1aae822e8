"""The statistics page: the supervisor sees the month, an agency only its own, every
figure links to the incidents behind it, and every other role is refused."""

from __future__ import annotations

import pytest

from siaga.accounts.models import User
from siaga.accounts.roles import AGENCY_ROLES, Role
from siaga.incidents.models import Incident
from siaga.testing import make_user, page_client

NOVEMBER = "?dari=2026-11-01&sampai=2026-11-30"
BEHIND_FIRE = (
    "/insiden/?semua=1&amp;dari=2026-11-01&amp;sampai=2026-11-30&amp;kategori=kebakaran"
)


def test_the_supervisor_sees_the_month_and_the_incidents_behind_it(
    november: dict[str, Incident], supervisor: User
) -> None:
    client = page_client(supervisor)

    page = client.get(f"/statistik/{NOVEMBER}").content.decode()

    assert '<span class="n">7</span> kontak' in page
    assert '<span class="n">3</span> insiden' in page
    assert BEHIND_FIRE in page
    assert "50,0 %" in page and "75,0 %" in page  # answered within 15 s and 20 s
    behind = client.get(BEHIND_FIRE.replace("&amp;", "&")).content.decode()
    assert november["fire"].number in behind
    assert november["sick"].number not in behind


def test_an_agency_sees_only_its_own_figures(
    november: dict[str, Incident], damkar_operator: User
) -> None:
    client = page_client(damkar_operator)

    page = client.get(f"/statistik/{NOVEMBER}&opd=DINKES").content.decode()

    assert '<span class="n">1</span> insiden' in page  # DAMKAR's fire, not DINKES's
    assert "Damkar" in page and "medis" not in page
    behind = client.get(
        "/insiden/?semua=1&dari=2026-11-01&sampai=2026-11-30&kategori=medis"
    ).content.decode()
    assert november["sick"].number not in behind


def test_a_bad_date_is_explained_not_a_500(supervisor: User) -> None:
    client = page_client(supervisor)
    for query in ("?dari=kemarin", "?dari=2026-11-30&sampai=2026-11-01"):
        response = client.get(f"/statistik/{query}")
        assert response.status_code == 200
        assert 'class="messages"' in response.content.decode()
    listed = client.get("/insiden/?dari=2026-02-30")
    assert listed.status_code == 200 and 'class="messages"' in listed.content.decode()


ALLOWED = {Role.SUPERVISOR, Role.ADMIN, Role.AGENCY_OPERATOR}


@pytest.mark.parametrize("role", sorted(set(Role.values) - ALLOWED))
def test_every_other_role_is_refused(db: None, role: str) -> None:
    user = make_user(f"u-{role}", role, "DAMKAR" if role in AGENCY_ROLES else "")
    assert page_client(user).get("/statistik/").status_code == 403


def test_the_page_shows_the_prank_map_and_the_trend(
    november: dict[str, Incident], supervisor: User
) -> None:
    page = page_client(supervisor).get(f"/statistik/{NOVEMBER}").content.decode()

    prank_map = page[page.index('class="heat prank-map"') :]
    assert "(tanpa lokasi)" in prank_map and 'class="hot">1</td>' in prank_map
    trend = page[page.index('class="figures trend"') :]
    assert "2026-11" in trend and "2025-12" in trend and "2026-12" not in trend
