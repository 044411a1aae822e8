from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class AlertsConfig(AppConfig):
    name = "siaga.alerts"
    label = "alerts"
    verbose_name = "Peringatan dini (CAP)"

    def ready(self) -> None:
        checks.register(cap_settings)


def cap_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """CAP 1.2 forbids spaces, commas, "<" and "&" in sender and identifier: a bad
    SIAGA_CAP_SENDER or city code would make every alert invalid, so refuse at start."""
    from django.conf import settings

    from siaga.alerts.actions import CAP_TOKEN, alert_sender

    problems: list[checks.CheckMessage] = []
    for name, value in [
        ("SIAGA_CAP_SENDER", alert_sender()),
        ("SIAGA_CITY_CODE", settings.SIAGA_CITY_CODE),
    ]:
        if not CAP_TOKEN.match(value):
            problems.append(
                checks.Error(
                    f"{name}={value!r} cannot be used in a CAP alert",
                    hint="no spaces, commas, '<' or '&'",
                    id="alerts.E001",
                )
            )
    return problems
