"""PIDF-LO (RFC 4119, shapes per RFC 5491, civic address per RFC 5139): built for the
incident we send, read from the locations a neighbour sends."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET  # noqa: S405 (declarations are refused: _parse_xml)
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.sax.saxutils import quoteattr

from siaga.incidents.eido.errors import EidoError
from siaga.incidents.eido.registry import _timestamp
from siaga.lib.geo import distance_m

PIDF = "urn:ietf:params:xml:ns:pidf"
GP = "urn:ietf:params:xml:ns:pidf:geopriv10"
GBP = "urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy"
GML = "http://www.opengis.net/gml"
GS = "http://www.opengis.net/pidflo/1.0"
CRS_2D = "urn:ogc:def:crs:EPSG::4326"
METRES = "urn:ogc:def:uom:EPSG::9001"
MAX_PIDF_LO_CHARS = 100_000
_DECLARATION = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_POSITIONS = frozenset({"pos", "posList"})


@dataclass(frozen=True)
class Whereabouts:
    """A location read from a PIDF-LO or from words."""

    lat: float | None = None
    lon: float | None = None
    uncertainty_m: float | None = None
    address: str = ""


def pidf_lo(
    entity: str, lat: float, lon: float, uncertainty_m: float | None, at: datetime
) -> str:
    """A PIDF-LO (RFC 4119, shapes per RFC 5491): a point, or a circle when the
    uncertainty is known. `gml:pos` is latitude first."""
    pos = f"<gml:pos>{lat:.6f} {lon:.6f}</gml:pos>"
    if uncertainty_m:
        radius = f'<gs:radius uom="{METRES}">{uncertainty_m:g}</gs:radius>'
        shape = f'<gs:Circle srsName="{CRS_2D}">{pos}{radius}</gs:Circle>'
    else:
        shape = f'<gml:Point srsName="{CRS_2D}">{pos}</gml:Point>'
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<presence xmlns="{PIDF}" xmlns:gp="{GP}" xmlns:gbp="{GBP}" '
        f'xmlns:gml="{GML}" xmlns:gs="{GS}" entity={quoteattr(entity)}>'
        '<tuple id="incident"><status><gp:geopriv>'
        f"<gp:location-info>{shape}</gp:location-info>"
        "<gp:usage-rules><gbp:retransmission-allowed>true"
        "</gbp:retransmission-allowed></gp:usage-rules>"
        "<gp:method>Manual</gp:method>"
        f"</gp:geopriv></status><timestamp>{_timestamp(at)}</timestamp>"
        "</tuple></presence>"
    )


def parse_pidf_lo(text: str) -> Whereabouts:
    """The first geodetic shape of a PIDF-LO as a point with its uncertainty, and its
    civic address as words. Shapes: Point, Circle, Sphere, Ellipse, Ellipsoid, ArcBand,
    Polygon (its vertices' centre)."""
    root = _parse_xml(text)
    point, address = Whereabouts(), ""
    for info in root.iter(f"{{{GP}}}location-info"):
        for element in info:
            name = _local(element.tag)
            if name == "civicAddress" and not address:
                address = _civic_text(element)
            elif point.lat is None:
                point = _shape(element, name)
    return Whereabouts(point.lat, point.lon, point.uncertainty_m, address)


def _parse_xml(text: str) -> ET.Element:
    """Parse untrusted XML; a DOCTYPE or ENTITY declaration is refused outright, which
    rules out entity expansion (billion laughs) and external entities (XXE)."""
    if len(text) > MAX_PIDF_LO_CHARS:
        raise EidoError("locationByValue is too long for a PIDF-LO")
    if _DECLARATION.search(text):
        raise EidoError(
            "locationByValue declares a DOCTYPE or ENTITY; refused (XML entity attacks)"
        )
    try:
        return ET.fromstring(text.strip())  # noqa: S314 (declarations refused above)
    except (ET.ParseError, ValueError) as error:
        raise EidoError(f"locationByValue is not well-formed XML: {error}") from None


def _shape(element: ET.Element, name: str) -> Whereabouts:
    srs = element.get("srsName", CRS_2D)
    if name not in {"Point", "Circle", "Sphere", "Ellipse", "Ellipsoid", "ArcBand"}:
        return _polygon(element) if name == "Polygon" else Whereabouts()
    if not srs.endswith(("EPSG::4326", "EPSG::4979")):
        raise EidoError(
            f"PIDF-LO {name} uses {srs}; only WGS84 (EPSG 4326/4979) is read"
        )
    pos = _child(element, "pos")
    lat, lon = _position(pos.text if pos is not None else None, name)
    size = {"Circle": "radius", "Sphere": "radius", "ArcBand": "outerRadius"}
    distance = _child(element, size.get(name, "semiMajorAxis"))
    if distance is None:
        return Whereabouts(lat, lon)
    return Whereabouts(lat, lon, _metres(distance, name))


def _polygon(element: ET.Element) -> Whereabouts:
    positions = [node for node in element.iter() if _local(node.tag) in _POSITIONS]
    text = " ".join(node.text or "" for node in positions)
    numbers = _numbers(text, "Polygon")
    vertices = [_position(f"{a} {b}", "Polygon") for a, b in _pairs(numbers)]
    if len(vertices) < 3:
        raise EidoError("PIDF-LO Polygon has fewer than three vertices")
    lat = sum(v[0] for v in vertices) / len(vertices)
    lon = sum(v[1] for v in vertices) / len(vertices)
    return Whereabouts(lat, lon, max(distance_m(lat, lon, *v) for v in vertices))


def _pairs(numbers: list[float]) -> Iterator[tuple[float, float]]:
    yield from zip(numbers[::2], numbers[1::2], strict=False)


def _position(text: str | None, shape: str) -> tuple[float, float]:
    numbers = _numbers(text or "", shape)
    if len(numbers) < 2:
        raise EidoError(f"PIDF-LO {shape} has no gml:pos with latitude and longitude")
    lat, lon = numbers[0], numbers[1]
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise EidoError(f"PIDF-LO {shape} position {lat} {lon} is off the globe")
    return lat, lon


def _numbers(text: str, shape: str) -> list[float]:
    try:
        numbers = [float(word) for word in text.split()]
    except ValueError:
        raise EidoError(f"PIDF-LO {shape} has a non-numeric coordinate") from None
    if not all(math.isfinite(number) for number in numbers):
        raise EidoError(f"PIDF-LO {shape} has a non-finite coordinate")
    return numbers


def _metres(element: ET.Element, shape: str) -> float:
    unit = element.get("uom", METRES)
    if not unit.endswith("EPSG::9001"):
        raise EidoError(f"PIDF-LO {shape} gives its size in {unit}, not metres")
    value = _numbers(element.text or "", shape)
    if len(value) != 1 or value[0] < 0:
        raise EidoError(f"PIDF-LO {shape} has no usable size in metres")
    return value[0]


def _civic_text(element: ET.Element) -> str:
    """RFC 5139 civic address as one line: place, street, kelurahan … country."""
    parts = {_local(child.tag): (child.text or "").strip() for child in element}
    street = " ".join(
        parts.get(key, "") for key in ("HNO", "HNS", "PRD", "RD", "STS", "POD")
    )
    words = [parts.get("NAM"), parts.get("LMK"), " ".join(street.split())]
    words += [parts.get(key) for key in ("A6", "A5", "A4", "A3", "A2", "A1", "country")]
    return ", ".join(word for word in words if word)


def _child(element: ET.Element, name: str) -> ET.Element | None:
    """A child by local name: senders differ on the GML namespace's version."""
    return next((child for child in element if _local(child.tag) == name), None)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
