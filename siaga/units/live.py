"""Units on the live maps: what moved, as messages for the event stream.

Positions are telemetry, not events: they never enter the event log. The stream's
tailer asks `moved_since` every `SIAGA_AVL_LIVE_SECONDS` and sends each changed unit
as an SSE message of type `units` without an id (a console that reconnects reloads the
units from `/papan/peta.json` instead of replaying them).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from siaga.units.models import Unit

MAP_FIELDS = (
    "call_sign",
    "agency_id",
    "agency__code",
    "kind",
    "status",
    "lat",
    "lon",
    "position_at",
    "incident__number",
)


def map_point(row: dict[str, Any]) -> dict[str, Any]:
    """One unit as the maps draw it (no personal data: a vehicle, its status)."""
    at = row["position_at"]
    return {
        "call_sign": row["call_sign"],
        "agency": row["agency__code"],
        "kind": row["kind"],
        "status": row["status"],
        "lat": row["lat"],
        "lon": row["lon"],
        "at": at.isoformat() if at else None,
        "incident": row["incident__number"],
    }


def map_points(units: Any) -> list[dict[str, Any]]:
    """Every unit of a queryset with a position, for a map's first load."""
    rows = units.filter(lat__isnull=False).values(*MAP_FIELDS)
    return [map_point(row) for row in rows]


def moved_since(since: datetime) -> list[tuple[int, dict[str, Any]]]:
    """(agency id, map point) of every active unit changed at or after `since`."""
    rows = Unit.objects.filter(changed_at__gte=since, is_active=True, lat__isnull=False)
    return [(row["agency_id"], map_point(row)) for row in rows.values(*MAP_FIELDS)]


def message(point: dict[str, Any]) -> str:
    return f"event: units\ndata: {json.dumps(point)}\n\n"
