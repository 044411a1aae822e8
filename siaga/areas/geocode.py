"""An optional outside geocoder (Nominatim or Photon), asked only when the local
gazetteer finds little; one interface, a short timeout, and silence on any failure:
the call taker's type-ahead never waits on, or breaks with, someone else's server.

Nominatim: GET {url}/search?q=…&format=jsonv2&limit=5&viewbox=…&bounded=1 answers a
list of {lat, lon, display_name}. Photon: GET {url}/api?q=…&limit=5&bbox=… answers a
GeoJSON FeatureCollection (coordinates lon, lat; properties name, street, city…).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from django.conf import settings

from siaga.areas.models import Area, AreaKind
from siaga.lib.geo import from_geojson
from siaga.lib.http import ProviderError, get_json

log = logging.getLogger("siaga.geocode")


def viewbox() -> tuple[float, float, float, float] | None:
    """(west, south, east, north) around home and neighbours, to keep answers local."""
    bounds = [
        from_geojson(area.geometry).bounds
        for area in Area.objects.filter(kind__in=[AreaKind.HOME, AreaKind.NEIGHBOUR])
        if area.geometry
    ]
    if not bounds:
        return None
    return (
        min(b[0] for b in bounds),
        min(b[1] for b in bounds),
        max(b[2] for b in bounds),
        max(b[3] for b in bounds),
    )


def _nominatim(url: str, query: str, box: tuple[float, ...] | None) -> list[Any]:
    params: dict[str, Any] = {"q": query, "format": "jsonv2", "limit": 5}
    if box:
        params |= {"viewbox": ",".join(f"{v:.4f}" for v in box), "bounded": 1}
    found = get_json(
        f"{url.rstrip('/')}/search?{urlencode(params)}",
        headers={"User-Agent": "Siaga112 (112 command centre)"},
        timeout=settings.SIAGA_GEOCODER_TIMEOUT,
    )
    rows = found.get("value")  # a JSON list arrives wrapped (lib.http)
    return [
        (float(row["lat"]), float(row["lon"]), str(row.get("display_name", "")))
        for row in (rows if isinstance(rows, list) else [])
        if isinstance(row, dict) and "lat" in row and "lon" in row
    ]


def _photon(url: str, query: str, box: tuple[float, ...] | None) -> list[Any]:
    params: dict[str, Any] = {"q": query, "limit": 5}
    if box:
        params["bbox"] = ",".join(f"{v:.4f}" for v in box)
    found = get_json(
        f"{url.rstrip('/')}/api?{urlencode(params)}",
        headers={"User-Agent": "Siaga112 (112 command centre)"},
        timeout=settings.SIAGA_GEOCODER_TIMEOUT,
    )
    places = []
    for feature in found.get("features") or []:
        point = (feature.get("geometry") or {}).get("coordinates")
        props = feature.get("properties") or {}
        if isinstance(point, list) and len(point) == 2:
            parts = [props.get(k) for k in ("name", "street", "district", "city")]
            label = ", ".join(str(p) for p in parts if p)
            places.append((float(point[1]), float(point[0]), label))
    return places


ENGINES = {"nominatim": _nominatim, "photon": _photon}


def geocode(query: str) -> list[tuple[float, float, str]]:
    """(lat, lon, label) from the configured geocoder; [] if none, or on any trouble."""
    url, engine = settings.SIAGA_GEOCODER_URL, settings.SIAGA_GEOCODER
    if not url or engine not in ENGINES:
        return []
    try:
        return ENGINES[engine](url, query, viewbox())[:5]
    except (ProviderError, ValueError, TypeError, KeyError, AttributeError) as error:
        log.warning("geocoder %s failed: %s", engine, error)
        return []
