"""Geometry helpers on shapely 2: GeoJSON in and out, validation, point lookup indexes.

Coordinates follow GeoJSON: (lon, lat) in WGS84.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy
import shapely
import shapely.affinity
from django.db import models
from django.db.models import Q
from shapely import STRtree
from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

POLYGONAL = frozenset({"Polygon", "MultiPolygon"})


class GeometryError(ValueError):
    """Geometry that cannot be used as an area boundary."""


def parse_boundary(data: Any) -> BaseGeometry:
    """A valid, non-empty (Multi)Polygon within WGS84 bounds, or GeometryError."""
    if not isinstance(data, dict) or data.get("type") not in POLYGONAL:
        found = data.get("type") if isinstance(data, dict) else type(data).__name__
        raise GeometryError(f"expected a Polygon or MultiPolygon, found {found}")
    try:
        geometry = shape(data)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        raise GeometryError(f"unreadable coordinates: {error}") from None
    if geometry.is_empty:
        raise GeometryError("empty geometry")
    if not geometry.is_valid:
        raise GeometryError(explain_validity(geometry))
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if min_lon < -180 or max_lon > 180 or min_lat < -90 or max_lat > 90:
        raise GeometryError("coordinates outside WGS84 bounds (is the order lon, lat?)")
    return geometry


def to_geojson(geometry: BaseGeometry) -> str:
    return json.dumps(
        mapping(shapely.set_precision(geometry, 1e-6)), separators=(",", ":")
    )


def from_geojson(text: str) -> BaseGeometry:
    return shape(json.loads(text))


def polygon(points_lat_lon: Sequence[Sequence[float]]) -> BaseGeometry:
    """A polygon from (lat, lon) pairs, the order people write coordinates in."""
    return shapely.Polygon([(lon, lat) for lat, lon in points_lat_lon])


def centre(geometry: BaseGeometry) -> tuple[float, float]:
    """(lat, lon) of a point guaranteed to lie inside the geometry."""
    point = geometry.representative_point()
    return point.y, point.x


@dataclass(frozen=True)
class IndexedShape:
    key: int
    geometry: BaseGeometry


class PointIndex:
    """Which shapes hold a point, or touch a circle.

    A point is tested against every prepared boundary in one vectorised GEOS call,
    which measured faster than an STR-tree query per point for a city's few hundred
    areas (bench/locate_speed.py); the STR-tree answers the area queries (circles).
    """

    def __init__(self, shapes: Sequence[IndexedShape]) -> None:
        self._shapes = list(shapes)
        self._geometries = numpy.array([item.geometry for item in self._shapes])
        shapely.prepare(self._geometries)
        self._tree = STRtree(self._geometries)

    def containing(self, lat: float, lon: float) -> list[int]:
        if not self._shapes:
            return []
        hits = numpy.nonzero(shapely.intersects_xy(self._geometries, lon, lat))[0]
        return [self._shapes[int(i)].key for i in hits]

    def intersecting(self, geometry: BaseGeometry) -> list[int]:
        hits = self._tree.query(geometry, predicate="intersects")
        return [self._shapes[int(i)].key for i in hits]


def lat_lon_constraint(name: str) -> models.CheckConstraint:
    """A row's `lat`/`lon`: both empty, or both set and within WGS84 range."""
    return models.CheckConstraint(
        name=name,
        condition=Q(lat__isnull=True, lon__isnull=True)
        | Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180)
        & Q(lat__isnull=False, lon__isnull=False),
    )


EARTH_RADIUS_M = 6_371_000


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine); plenty for a city."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def degrees_around(lat: float, radius_m: float) -> tuple[float, float]:
    """Half-widths (lat, lon) in degrees of a box that holds a circle of radius_m."""
    dlat = radius_m / 111_320
    return dlat, dlat / max(math.cos(math.radians(lat)), 0.01)


def circle(lat: float, lon: float, radius_m: float) -> BaseGeometry:
    """A circle on the ground as a polygon in degrees (an ellipse: a degree of
    longitude is shorter than one of latitude away from the equator)."""
    dlat, dlon = degrees_around(lat, radius_m)
    disc = Point(0, 0).buffer(1.0, quad_segs=16)
    return shapely.affinity.affine_transform(disc, [dlon, 0, 0, dlat, lon, lat])
