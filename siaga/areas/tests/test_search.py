"""The gazetteer finds places the way callers say them."""

from __future__ import annotations

import pytest

from siaga.accounts.models import User
from siaga.areas.search import search_places
from siaga.events.models import Event
from siaga.testing import page_client


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("masjid al azhom", "Masjid Raya Al-A'zhom"),
        ("jl daan mogot", "Jl. Daan Mogot"),
        ("Jalan Daan Mogot no 12", "Jl. Daan Mogot"),
        ("kel. sukasari", "Kel. Sukasari, Kec. Tangerang"),
        ("depan psr anyar", "Pasar Anyar"),
        ("kec cibodas", "Kec. Cibodas"),
        ("dkt tangcity", "Tangerang City Mall"),
        ("jln jend sudirman", "Jl. Jenderal Sudirman"),
        ("gg. mawar rt 03/rw 05 sukasari", "Kel. Sukasari, Kec. Tangerang"),
        ("bandara soetta", "Bandara Soekarno-Hatta"),
    ],
)
def test_it_finds_places_as_callers_say_them(
    db: None, query: str, expected: str
) -> None:
    labels = [hit.label for hit in search_places(query)[:3]]
    assert expected in labels, labels


def test_a_street_is_a_street_with_its_point(db: None) -> None:
    hit = search_places("jl daan mogot")[0]
    assert hit.kind == "jalan" and hit.lat is not None and hit.landmark_id is not None


def test_nonsense_and_tiny_queries_find_nothing(db: None) -> None:
    assert search_places("x") == []
    assert search_places("zzzqqq xxyyw") == []


def test_an_admin_adds_a_landmark_from_the_map(admin_user: User) -> None:
    client = page_client(admin_user)

    form = client.get("/admin/areas/landmark/add/").text
    response = client.post(
        "/admin/areas/landmark/add/",
        {
            "name": "Masjid Jami Kalipasir",
            "aliases": "Kalipasir",
            "kind": "masjid",
            "lat": "-6.1779",
            "lon": "106.6336",
            "is_approximate": "on",
            "is_active": "on",
        },
    )

    assert "data-pick" in form and "leaflet.js" in form
    assert response.status_code == 302
    assert search_places("masjid kalipasir")[0].label == "Masjid Jami Kalipasir"
    created = Event.objects.filter(action="landmark.created").latest("pk")
    assert created.actor_name and (created.after or {}).get("lat") == -6.1779
