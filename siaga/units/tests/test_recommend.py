"""Recommendations on hand-built cases: the nearest available unit of a kind the run
card asks for wins; busy, out-of-service and wrong-kind units never appear."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from siaga.accounts.models import User
from siaga.incidents.models import Incident
from siaga.testing import api_client
from siaga.units.actions import assign_unit, change_unit_status
from siaga.units.models import Unit
from siaga.units.recommend import SPEED_KMH, eta_seconds, rank, rank_rows, recommend

MakeIncident = Callable[..., Incident]
# Fire at Pos Damkar Ciledug's doorstep: DAMKAR-03 stands there.
CILEDUG = (-6.2272, 106.7098)


def call_signs(incident: Incident) -> list[str]:
    return [r.unit.call_sign for r in recommend(incident)]


def test_the_nearest_available_engine_comes_first(make_incident: MakeIncident) -> None:
    fire = make_incident(
        category="kebakaran", agencies=("DAMKAR",), lat=CILEDUG[0], lon=CILEDUG[1]
    )

    ranked = recommend(fire)

    assert ranked[0].unit.call_sign == "DAMKAR-03" and ranked[0].distance_m == 0
    assert [r.eta_seconds for r in ranked] == sorted(r.eta_seconds for r in ranked)
    # A rescue team is no fire engine: not on the fire's run card.
    assert "DAMKAR-R2" not in call_signs(fire)


def test_busy_and_out_of_service_units_never_appear(
    make_incident: MakeIncident, damkar_operator: User
) -> None:
    fire = make_incident(
        category="kebakaran", agencies=("DAMKAR",), lat=CILEDUG[0], lon=CILEDUG[1]
    )
    other = make_incident(category="kebakaran", agencies=("DAMKAR",))
    assign_unit(Unit.objects.get(call_sign="DAMKAR-03"), incident=other, actor=None)
    change_unit_status(
        Unit.objects.get(call_sign="DAMKAR-01"), status="out_of_service", actor=None
    )

    names = call_signs(fire)

    assert "DAMKAR-03" not in names and "DAMKAR-01" not in names
    assert names and names[0] in {"DAMKAR-02", "DAMKAR-T1", "DAMKAR-04", "DAMKAR-05"}


def test_only_dispatched_agencies_units_are_offered(
    make_incident: MakeIncident,
) -> None:
    tree = make_incident(category="pohon-tumbang", agencies=("DKP",))
    assert set(call_signs(tree)) == {"DKP-POHON-1", "DKP-POHON-2"}


def test_arrival_follows_the_road_factor_and_speed() -> None:
    assert eta_seconds(1000, "ambulance") == round(1400 / (40 / 3.6))


def test_an_agency_sees_and_assigns_its_own(
    make_incident: MakeIncident, damkar_operator: User
) -> None:
    fire = make_incident(category="kebakaran", agencies=("DAMKAR", "POLRES"))
    client = api_client(damkar_operator)

    offered = client.get(f"/api/v1/incidents/{fire.number}/recommendations").json()
    first = client.post(
        f"/api/v1/units/{offered[0]['call_sign']}/assign",
        {"incident": fire.number},
        content_type="application/json",
    )
    again = client.post(
        f"/api/v1/units/{offered[0]['call_sign']}/assign",
        {"incident": fire.number},
        content_type="application/json",
    )

    assert {o["agency"] for o in offered} == {"DAMKAR"}
    assert first.status_code == 200 and first.json()["status"] == "assigned"
    assert again.status_code == 409
    police = client.post(
        "/api/v1/units/POLRES-P1/assign",
        {"incident": fire.number},
        content_type="application/json",
    )
    assert police.status_code == 404


@given(
    st.lists(
        st.tuples(
            st.floats(-6.35, -6.0),
            st.floats(106.5, 106.85),
            st.sampled_from(sorted(SPEED_KMH)),
        ),
        max_size=40,
    ),
    st.integers(1, 12),
)
def test_the_vectorised_ranking_agrees_with_the_plain_loop(
    spots: list[tuple[float, float, str]], limit: int
) -> None:
    units = [
        Unit(pk=n + 1, call_sign=f"U-{n:03d}", kind=kind, lat=lat, lon=lon)
        for n, (lat, lon, kind) in enumerate(spots)
    ]
    rows = [(u.pk, u.call_sign, u.kind, u.lat, u.lon) for u in units]

    fast = rank_rows(rows, -6.18, 106.63, limit)
    plain = rank(units, -6.18, 106.63, limit)

    assert fast == [(r.unit.pk, r.distance_m, r.eta_seconds) for r in plain]
