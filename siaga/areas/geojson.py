"""Reading official boundary files (GeoJSON
FeatureCollections) for `siaga import- areas`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from shapely.geometry.base import BaseGeometry

from siaga.lib.geo import GeometryError, parse_boundary


@dataclass(frozen=True)
class Boundary:
    index: int
    name: str
    code: str
    parent_code: str
    geometry: BaseGeometry


@dataclass(frozen=True)
class FeatureProblem:
    index: int
    label: str
    message: str

    def __str__(self) -> str:
        return f"feature {self.index} ({self.label}): {self.message}"


@dataclass(frozen=True)
class PropertyMap:
    """Which feature properties hold the name, the code and the parent's code."""

    name: str = "name"
    code: str = ""
    parent_code: str = ""


def read_boundaries(
    data: Any, properties: PropertyMap
) -> tuple[list[Boundary], list[FeatureProblem]]:
    """Every usable boundary and every problem,
    each problem with its feature's index."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return [], [FeatureProblem(-1, "file", "expected a GeoJSON FeatureCollection")]
    features = data.get("features")
    if not isinstance(features, list) or not features:
        return [], [FeatureProblem(-1, "file", "the FeatureCollection has no features")]
    boundaries: list[Boundary] = []
    problems: list[FeatureProblem] = []
    for index, feature in enumerate(features):
        try:
            boundaries.append(_boundary(index, feature, properties))
        except GeometryError as error:
            problems.append(
                FeatureProblem(index, _label(feature, properties), str(error))
            )
    problems.extend(_duplicates(boundaries))
    return boundaries, problems


def _boundary(index: int, feature: Any, properties: PropertyMap) -> Boundary:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise GeometryError("not a GeoJSON Feature")
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        raise GeometryError("properties must be an object")
    name = str(props.get(properties.name) or "").strip()
    if not name:
        raise GeometryError(f"property {properties.name!r} (the name) is missing")
    code = str(props.get(properties.code) or "").strip() if properties.code else ""
    if properties.code and not code:
        raise GeometryError(f"property {properties.code!r} (the code) is missing")
    parent = (
        str(props.get(properties.parent_code) or "").strip()
        if properties.parent_code
        else ""
    )
    return Boundary(index, name, code, parent, parse_boundary(feature.get("geometry")))


def _label(feature: Any, properties: PropertyMap) -> str:
    if isinstance(feature, dict) and isinstance(feature.get("properties"), dict):
        return str(feature["properties"].get(properties.name) or "?")
    return "?"


def _duplicates(boundaries: list[Boundary]) -> list[FeatureProblem]:
    seen: dict[str, int] = {}
    problems = []
    for boundary in boundaries:
        key = boundary.code or boundary.name.casefold()
        if key in seen:
            message = f"same code or name as feature {seen[key]}"
            problems.append(FeatureProblem(boundary.index, boundary.name, message))
        seen.setdefault(key, boundary.index)
    return problems
