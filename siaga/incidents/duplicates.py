"""Possible duplicates: open incidents near the new one, recent, of a related category.

Callers often report the same fire or fallen tree many times; the console shows these
before the call taker saves, so one action links the call instead of opening a twin.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from siaga.incidents.models import Category, Incident
from siaga.lib.geo import degrees_around, distance_m

RADIUS_M = 1_000
WINDOW = timedelta(hours=6)
LIMIT = 5


@dataclass(frozen=True)
class Candidate:
    incident: Incident
    distance_m: int | None


def related_categories(category: Category) -> set[int]:
    """The category itself and those that share one of its default agencies."""
    agencies = category.default_agencies.all()
    related = set(
        Category.objects.filter(default_agencies__in=agencies).values_list(
            "pk", flat=True
        )
    )
    return related | {category.pk}


def possible_duplicates(
    *,
    category: Category | None,
    lat: float | None,
    lon: float | None,
    now: datetime | None = None,
) -> list[Candidate]:
    """Nearest first: open incidents of the last WINDOW within RADIUS_M (or, without a
    point, of the same category), at most LIMIT."""
    since = (now or timezone.now()) - WINDOW
    # No ordering: the nearest are picked after the fetch.
    found = (
        Incident.objects.open()
        .filter(opened_at__gte=since)
        .select_related("category")
        .order_by()
    )
    if category is not None:
        found = found.filter(category_id__in=related_categories(category))
    if lat is None or lon is None:
        if category is None:
            return []
        newest = found.filter(category=category).order_by("-opened_at")
        return [Candidate(i, None) for i in newest[:LIMIT]]
    dlat, dlon = degrees_around(lat, RADIUS_M)
    near = found.filter(
        lat__range=(lat - dlat, lat + dlat), lon__range=(lon - dlon, lon + dlon)
    )
    candidates = [
        Candidate(i, round(distance_m(lat, lon, i.lat, i.lon)))  # type: ignore[arg-type]
        for i in near
    ]
    close = [c for c in candidates if (c.distance_m or 0) <= RADIUS_M]
    # Nearest first; at the same distance (a landmark's own point) the newest.
    return sorted(close, key=lambda c: (c.distance_m or 0, -c.incident.pk))[:LIMIT]
