"""The Tangerang data set (loaded once for the test session in conftest.py)."""

from __future__ import annotations

import pytest

from siaga.agencies.models import Agency
from siaga.areas.locate import locate
from siaga.areas.models import Area, AreaKind, Landmark
from siaga.datasets.loader import load_dataset, read_dataset
from siaga.incidents.models import Category

TEAM = {"BPBD", "DAMKAR", "DKP", "BINAMARGA", "DISHUB", "POLRES", "SATPOLPP", "DINKES"}


def test_it_has_the_citys_areas(db: None) -> None:
    assert Area.objects.of_kind(AreaKind.HOME).get().name == "Kota Tangerang"
    assert Area.objects.of_kind(AreaKind.KECAMATAN).count() == 13
    assert Area.objects.of_kind(AreaKind.KELURAHAN).count() == 104
    neighbours = set(Area.objects.neighbours().values_list("code", flat=True))
    assert neighbours == {"36.03", "36.74", "31"}


def test_every_kelurahan_sits_in_its_kecamatan(db: None) -> None:
    for kelurahan in Area.objects.of_kind(AreaKind.KELURAHAN).select_related("parent"):
        assert kelurahan.parent is not None
        assert kelurahan.code.startswith(kelurahan.parent.code + ".")


def test_built_geometry_is_labelled_approximate(db: None) -> None:
    with_geometry = Area.objects.exclude(geometry="")
    assert with_geometry.count() == 1 + 13 + 3
    assert not with_geometry.filter(is_approximate=False).exists()
    assert not Landmark.objects.filter(is_approximate=False).exists()


def test_it_has_the_eight_agencies_and_the_routing(db: None) -> None:
    team = set(Agency.objects.filter(is_partner=False).values_list("code", flat=True))
    assert team == TEAM
    fire = Category.objects.get(code="kebakaran")
    assert {a.code for a in fire.default_agencies.all()} == {"DAMKAR", "POLRES"}
    assert Category.objects.get(code="lainnya").default_agencies.count() == 0
    assert Category.objects.filter(eido_code="").count() == 0


@pytest.mark.parametrize(
    ("landmark", "kecamatan"),
    [
        ("Situ Cipondoh", "Cipondoh"),
        ("Mall Ciledug", "Ciledug"),
        ("Puspemkot Tangerang", "Tangerang"),
        ("Bandara Soekarno-Hatta", "Benda"),
    ],
)
def test_landmarks_fall_in_their_kecamatan(
    db: None, landmark: str, kecamatan: str
) -> None:
    place = Landmark.objects.get(name=landmark)
    assert locate(place.lat, place.lon).kecamatan.name == kecamatan  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("lat", "lon", "jurisdiction"),
    [
        (-6.30, 106.70, "Kota Tangerang Selatan"),
        (-6.20, 106.80, "DKI Jakarta (Jakarta Barat, Jakarta Selatan)"),
        (-6.05, 106.60, "Kabupaten Tangerang"),
        (-6.19, 106.64, "Kota Tangerang"),
    ],
)
def test_points_resolve_to_their_jurisdiction(
    db: None, lat: float, lon: float, jurisdiction: str
) -> None:
    found = locate(lat, lon).jurisdiction
    assert found is not None and found.name == jurisdiction


def test_loading_again_creates_nothing_and_keeps_edits(db: None) -> None:
    Agency.objects.filter(code="DAMKAR").update(phone="021-5523530")

    created = load_dataset(read_dataset("tangerang"), actor=None)

    assert sum(created.values()) == 0
    assert Agency.objects.get(code="DAMKAR").phone == "021-5523530"
