"""Whose is it: points on both sides of every Tangerang border, circles straddling
them, the airport. Border points are found from the loaded geometry itself, so the test
holds when official boundaries replace the approximate ones."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from shapely.geometry import Point

from siaga.accounts.models import User
from siaga.areas.locate import candidates, locate
from siaga.areas.models import Area, AreaKind
from siaga.incidents.models import Incident
from siaga.lib.geo import from_geojson
from siaga.testing import page_client

NEIGHBOURS = ["Kabupaten Tangerang", "Kota Tangerang Selatan", "DKI Jakarta"]


def border_sides(neighbour: Area) -> tuple[tuple[float, float], ...]:
    """(border point, a point 300 m inside home, a point 300 m inside the neighbour),
    each (lat, lon)."""
    home_shape = from_geojson(Area.objects.get(kind=AreaKind.HOME).geometry)
    their_shape = from_geojson(neighbour.geometry)
    shared = home_shape.boundary.intersection(their_shape.boundary)
    middle = shared.interpolate(0.5, normalized=True)
    step = 300 / 111_320
    probes = [
        Point(
            middle.x + step * math.cos(math.radians(turn * 5)),
            middle.y + step * math.sin(math.radians(turn * 5)),
        )
        for turn in range(72)
    ]
    # The probes farthest from the other side: straight across the border.
    ours = [p for p in probes if home_shape.contains(p)]
    theirs = [p for p in probes if their_shape.contains(p)]
    inside_home = max(ours, key=their_shape.distance, default=None)
    inside_theirs = max(theirs, key=home_shape.distance, default=None)
    assert inside_home is not None and inside_theirs is not None, neighbour.name
    return (
        (middle.y, middle.x),
        (inside_home.y, inside_home.x),
        (inside_theirs.y, inside_theirs.x),
    )


@pytest.mark.parametrize("name", NEIGHBOURS)
def test_each_side_of_a_border_belongs_to_its_own_jurisdiction(
    db: None, name: str
) -> None:
    neighbour = Area.objects.get(kind=AreaKind.NEIGHBOUR, name__startswith=name)
    _, home_side, their_side = border_sides(neighbour)

    assert locate(*home_side).jurisdiction == Area.objects.get(kind=AreaKind.HOME)
    assert locate(*their_side).jurisdiction == neighbour
    assert locate(*their_side).is_outside_home


@pytest.mark.parametrize("name", NEIGHBOURS)
def test_a_circle_straddling_a_border_gives_both_candidates(
    db: None, name: str
) -> None:
    neighbour = Area.objects.get(kind=AreaKind.NEIGHBOUR, name__startswith=name)
    border, home_side, _ = border_sides(neighbour)
    home = Area.objects.get(kind=AreaKind.HOME)

    found = candidates(*border, radius_m=500)
    far = candidates(-6.1746, 106.6339, radius_m=50)  # Pasar Anyar, the city centre

    assert {home, neighbour} <= set(found.jurisdictions) and found.is_near_border
    assert neighbour in found.outside_home
    assert far.jurisdictions == (home,) and not far.is_near_border
    # A precise point 300 m inside, with the 200 m margin, is not "near the border".
    assert not candidates(*home_side, radius_m=5).is_near_border


def test_the_point_itself_comes_first(db: None) -> None:
    neighbour = Area.objects.get(kind=AreaKind.NEIGHBOUR, name__startswith="Kabupaten")
    _, _, their_side = border_sides(neighbour)

    found = candidates(*their_side, radius_m=1_000)

    assert (
        found.jurisdictions[0] == neighbour and found.located.jurisdiction == neighbour
    )


def test_the_airport_is_in_kota_tangerang(db: None) -> None:
    airport = locate(-6.1256, 106.6559)
    assert airport.jurisdiction is not None and airport.jurisdiction.is_home
    assert airport.kecamatan is not None and airport.kecamatan.name == "Benda"


def test_the_console_warns_near_a_border_and_refuses_agencies(
    call_taker: User, damkar_operator: User
) -> None:
    neighbour = Area.objects.get(kind=AreaKind.NEIGHBOUR, name__startswith="Kabupaten")
    border, _, their_side = border_sides(neighbour)

    near = page_client(call_taker).get(
        "/konsol/wilayah/", {"lat": str(border[0]), "lon": str(border[1])}
    )
    outside = page_client(call_taker).get(
        "/konsol/wilayah/", {"lat": str(their_side[0]), "lon": str(their_side[1])}
    )

    assert 'data-near-border="yes"' in near.text and neighbour.name in near.text
    assert "Di luar wilayah sendiri" in outside.text
    assert page_client(damkar_operator).get("/konsol/wilayah/").status_code == 403


def test_the_incident_page_lists_the_candidates(
    make_incident: Callable[..., Incident], room_operator: User
) -> None:
    neighbour = Area.objects.get(
        kind=AreaKind.NEIGHBOUR, name__startswith="Kota Tangerang Selatan"
    )
    border, _, _ = border_sides(neighbour)
    incident = make_incident(lat=border[0], lon=border[1])

    page = page_client(room_operator).get(f"/insiden/{incident.number}/").text

    assert 'data-near-border="yes"' in page and neighbour.name in page
