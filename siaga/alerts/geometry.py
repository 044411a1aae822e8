"""CAP area shapes from our boundaries: polygons as "lat,lon" pairs, circles in km.

GeoJSON (and shapely) put longitude first; CAP puts latitude first. Every conversion
between the two happens here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from siaga.lib.geo import GeometryError, from_geojson

# Cell-broadcast gateways commonly take at most 100 points per polygon (IPAWS/WEA
# does); finer boundaries are simplified down to that.
MAX_POLYGON_POINTS = 100
DECIMALS = 5  # about a metre: finer than any boundary we hold
MAX_RADIUS_KM = 100.0
PAIR = r"-?\d+(?:\.\d+)?,-?\d+(?:\.\d+)?"
CIRCLE = re.compile(rf"^({PAIR}) (\d+(?:\.\d+)?)$")


def number(value: float) -> str:
    """A coordinate or radius without float noise or trailing zeros: -6.17, 106.5928."""
    text = f"{value:.{DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def cap_polygons(geojson: str) -> list[str]:
    """The CAP polygons of a GeoJSON Polygon or MultiPolygon: one per outer ring.

    CAP polygons have no holes, so a hole is announced as part of the area."""
    try:
        geometry = from_geojson(geojson)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise GeometryError(f"unreadable boundary: {error}") from None
    parts: Sequence[BaseGeometry]
    if isinstance(geometry, Polygon):
        parts = [geometry]
    elif isinstance(geometry, MultiPolygon):
        parts = list(geometry.geoms)
    else:
        raise GeometryError(f"expected a Polygon or MultiPolygon, not {geometry.type}")
    return [ring_to_cap(_small_enough(part)) for part in parts if not part.is_empty]


def _small_enough(part: Polygon) -> list[tuple[float, float]]:
    """The outer ring, simplified (tolerance doubling from ~10 m) to fit the limit."""
    ring = Polygon(part.exterior)
    tolerance = 0.0001
    while len(ring.exterior.coords) > MAX_POLYGON_POINTS and tolerance < 1:
        ring = Polygon(part.exterior).simplify(tolerance, preserve_topology=True)
        tolerance *= 2
    return [(float(x), float(y)) for x, y in ring.exterior.coords]


def ring_to_cap(lon_lat: Sequence[tuple[float, float]]) -> str:
    """A closed ring as CAP text: "lat,lon lat,lon …", first pair equal to the last,
    at least four pairs."""
    pairs: list[str] = []
    for lon, lat in lon_lat:
        pair = f"{number(lat)},{number(lon)}"
        if not pairs or pairs[-1] != pair:  # rounding can merge neighbours
            pairs.append(pair)
    if pairs and pairs[0] != pairs[-1]:
        pairs.append(pairs[0])
    if len(pairs) < 4 or len(set(pairs)) < 3:
        raise GeometryError("a polygon needs at least three distinct corners")
    text = " ".join(pairs)
    check_polygon(text)
    return text


def cap_circle(lat: float, lon: float, radius_km: float) -> str:
    """ "lat,lon radius": the radius in kilometres, as CAP requires."""
    text = f"{number(lat)},{number(lon)} {number(radius_km)}"
    check_circle(text)
    return text


def _pair(text: str) -> tuple[float, float]:
    if not re.fullmatch(PAIR, text):
        raise GeometryError(f"{text!r} is not a lat,lon pair")
    lat, lon = (float(part) for part in text.split(","))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise GeometryError(f"{text!r} is outside WGS84 (is the order lat,lon?)")
    return lat, lon


def check_polygon(text: str) -> None:
    """CAP 1.2 §3.2.4: space-separated lat,lon pairs, at least four, closed."""
    pairs = text.split(" ")
    for pair in pairs:
        _pair(pair)
    if len(pairs) < 4:
        raise GeometryError("a CAP polygon needs at least four pairs")
    if pairs[0] != pairs[-1]:
        raise GeometryError("a CAP polygon must end where it starts")


def check_circle(text: str) -> None:
    """CAP 1.2 §3.2.4: "lat,lon radius", the radius in km (positive, here ≤ 100)."""
    match = CIRCLE.fullmatch(text)
    if match is None:
        raise GeometryError(f"{text!r} is not 'lat,lon radius_km'")
    _pair(match.group(1))
    if not 0 < float(match.group(2)) <= MAX_RADIUS_KM:
        raise GeometryError(
            f"the radius must be above 0 and at most {MAX_RADIUS_KM} km"
        )
