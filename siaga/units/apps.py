from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class UnitsConfig(AppConfig):
    name = "siaga.units"
    label = "units"
    verbose_name = "Unit lapangan"

    def ready(self) -> None:
        checks.register(overdue_settings)


def overdue_settings(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """A misspelt status in SIAGA_UNIT_OVERDUE_MINUTES would silently never flag a
    unit: refuse it at start."""
    from django.conf import settings

    from siaga.units.models import UnitStatus

    unknown = sorted(set(settings.SIAGA_UNIT_OVERDUE_MINUTES) - set(UnitStatus.values))
    if not unknown:
        return []
    return [
        checks.Error(
            f"SIAGA_UNIT_OVERDUE_MINUTES names unknown statuses {unknown}",
            hint=f"use {', '.join(UnitStatus.values)}",
            id="units.E001",
        )
    ]
