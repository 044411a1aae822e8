"""The optional outside geocoder: asked only when the gazetteer finds little, shaped
as Nominatim and Photon answer, and silent when it fails."""

from __future__ import annotations

from django.test import override_settings

from siaga.areas.search import search_places
from siaga.testing_providers import FakeProvider


def test_nominatim_fills_in_what_the_gazetteer_lacks(
    db: None, provider: FakeProvider
) -> None:
    provider.answer(
        "/search",
        [
            {
                "lat": "-6.2012",
                "lon": "106.6511",
                "display_name": "Jalan Teuku Umar, Karawaci, Kota Tangerang",
            }
        ],
    )
    with override_settings(SIAGA_GEOCODER="nominatim", SIAGA_GEOCODER_URL=provider.url):
        hits = search_places("jalan teuku umar nomor 9")
        known = search_places("pasar anyar")

    outside = [hit for hit in hits if hit.kind == "geocoder"]
    assert outside and outside[0].lat == -6.2012
    assert "Teuku Umar" in outside[0].label
    method, path, _, headers = provider.requests[0]
    assert method == "GET" and "format=jsonv2" in path and "viewbox=" in path
    assert "Siaga112" in headers["User-Agent"]
    assert known[0].label == "Pasar Anyar"  # enough local hits: nobody else asked
    assert len(provider.requests) == 1


def test_photon_answers_geojson(db: None, provider: FakeProvider) -> None:
    provider.answer(
        "/api",
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [106.7, -6.22]},
                    "properties": {"name": "Gg. Haji Dogol", "city": "Tangerang"},
                }
            ],
        },
    )
    with override_settings(SIAGA_GEOCODER="photon", SIAGA_GEOCODER_URL=provider.url):
        hits = [h for h in search_places("gang haji dogol") if h.kind == "geocoder"]

    assert (hits[0].lat, hits[0].lon) == (-6.22, 106.7)
    assert "bbox=" in provider.requests[0][1]


def test_a_geocoder_that_fails_is_ignored(db: None, provider: FakeProvider) -> None:
    provider.answer("/search", {"error": "down"}, status=503)
    with override_settings(SIAGA_GEOCODER_URL=provider.url):
        assert search_places("kel. sukasari")[0].label.startswith("Kel. Sukasari")
        assert all(h.kind != "geocoder" for h in search_places("zzqx teuku umar"))
    with override_settings(SIAGA_GEOCODER_URL="http://127.0.0.1:9"):  # nobody there
        assert all(h.kind != "geocoder" for h in search_places("zzqx teuku umar"))
