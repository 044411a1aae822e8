"""Small builders for the alert tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from siaga.accounts.models import User
from siaga.alerts.actions import AlertInfo, Circle, Where, issue_alert
from siaga.alerts.models import Alert
from siaga.areas.models import Area

KECAMATAN = "36.71.01"  # Tangerang, with a (rough) boundary in the data set


def info(**fields: Any) -> AlertInfo:
    values: dict[str, Any] = {
        "category": "Met",
        "event": "Banjir",
        "urgency": "Immediate",
        "severity": "Severe",
        "certainty": "Observed",
        "headline": "Banjir di Kec. Tangerang",
        "description": "Air setinggi 50 cm di Jl. Daan Mogot.",
        "instruction": "Jauhi bantaran kali.",
        "expires_at": timezone.now() + timedelta(hours=6),
    }
    return AlertInfo(**(values | fields))


def make_alert(
    actor: User | None = None,
    *,
    areas: tuple[str, ...] = (KECAMATAN,),
    circles: tuple[Circle, ...] = (),
    status: str = "Actual",
    **fields: Any,
) -> Alert:
    where = Where(areas=list(Area.objects.filter(code__in=areas)), circles=circles)
    return issue_alert(info=info(**fields), where=where, status=status, actor=actor)


def body(**fields: Any) -> dict[str, Any]:
    """A JSON body for POST /api/v1/alerts."""
    values: dict[str, Any] = {
        "category": "Met",
        "event": "Banjir",
        "urgency": "Immediate",
        "severity": "Severe",
        "certainty": "Observed",
        "headline": "Banjir di Kec. Tangerang",
        "description": "Air setinggi 50 cm.",
        "expires": (timezone.now() + timedelta(hours=6)).isoformat(),
        "areas": [KECAMATAN],
    }
    return values | fields
