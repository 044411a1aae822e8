"""`siaga import-areas`: official boundaries replace approximate ones, atomically."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from siaga.areas.locate import locate
from siaga.areas.models import Area, AreaKind
from siaga.events.models import Event


def square(lat: float, lon: float, size: float = 0.01) -> dict[str, Any]:
    ring = [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(name: str, code: str, geometry: Any, **extra: str) -> dict[str, Any]:
    props = {"NAMOBJ": name, "KDEPUM": code} | extra
    return {"type": "Feature", "properties": props, "geometry": geometry}


def write(tmp_path: Path, features: list[Any]) -> Path:
    path = tmp_path / "batas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def import_file(path: Path, *args: str) -> None:
    call_command(
        "import_areas",
        str(path),
        "--name-property",
        "NAMOBJ",
        "--code-property",
        "KDEPUM",
        *args,
    )


def test_it_replaces_a_kelurahan_boundary(db: None, tmp_path: Path) -> None:
    path = write(
        tmp_path, [feature("Sukarasa", "36.71.01.1001", square(-6.18, 106.63))]
    )

    import_file(path, "--kind", "kelurahan")

    sukarasa = Area.objects.get(code="36.71.01.1001")
    assert sukarasa.is_approximate is False
    assert sukarasa.geometry
    found = locate(-6.175, 106.635)
    assert found.kelurahan == sukarasa
    assert found.kecamatan is not None and found.kecamatan.name == "Tangerang"
    assert Event.objects.filter(
        action="area.changed", target_id=str(sukarasa.pk)
    ).exists()


def test_it_names_the_bad_feature_and_imports_nothing(db: None, tmp_path: Path) -> None:
    bowtie = {
        "type": "Polygon",
        "coordinates": [
            [[106.6, -6.2], [106.7, -6.1], [106.7, -6.2], [106.6, -6.1], [106.6, -6.2]]
        ],
    }
    features = [
        feature("Sukarasa", "36.71.01.1001", square(-6.18, 106.63)),
        feature("Sukaasih", "36.71.01.1002", bowtie),
        feature(
            "Babakan", "36.71.01.1008", {"type": "Point", "coordinates": [106.6, -6.2]}
        ),
    ]
    before = Event.objects.count()

    with pytest.raises(CommandError, match="nothing was imported"):
        import_file(write(tmp_path, features), "--kind", "kelurahan")

    assert Area.objects.get(code="36.71.01.1001").geometry == ""
    assert Event.objects.count() == before


def test_the_problem_list_carries_each_index(tmp_path: Path) -> None:
    from siaga.areas.geojson import PropertyMap, read_boundaries

    data = {
        "type": "FeatureCollection",
        "features": [
            feature("A", "1", square(-6.18, 106.63)),
            feature("B", "2", {"type": "Polygon", "coordinates": [[[1, 2]]]}),
            {"type": "Feature", "properties": {"KDEPUM": "3"}, "geometry": None},
            feature("A", "1", square(-6.10, 106.63)),
        ],
    }
    _, problems = read_boundaries(data, PropertyMap(name="NAMOBJ", code="KDEPUM"))

    assert [p.index for p in problems] == [1, 2, 3]
    assert "(B)" in str(problems[0])


def test_a_new_kelurahan_needs_a_known_parent(db: None, tmp_path: Path) -> None:
    path = write(tmp_path, [feature("Baru", "36.71.99.1001", square(-6.18, 106.63))])

    with pytest.raises(CommandError, match="parent"):
        import_file(path, "--kind", "kelurahan", "--parent-property", "PARENT")

    assert not Area.objects.filter(code="36.71.99.1001").exists()


def test_a_new_area_is_created_under_its_parent(db: None, tmp_path: Path) -> None:
    geometry = square(-6.18, 106.63)
    path = write(
        tmp_path, [feature("Kel. Baru", "36.71.01.1999", geometry, PARENT="36.71.01")]
    )

    import_file(path, "--kind", "kelurahan", "--parent-property", "PARENT")

    created = Area.objects.get(code="36.71.01.1999")
    assert created.kind == AreaKind.KELURAHAN
    assert created.parent is not None and created.parent.code == "36.71.01"


@pytest.mark.parametrize(
    "content", ["not json", '{"type": "Feature"}', '{"type": "FeatureCollection"}']
)
def test_an_unreadable_file_is_a_clear_error(
    db: None, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "x.geojson"
    path.write_text(content)

    with pytest.raises(CommandError):
        import_file(path)
