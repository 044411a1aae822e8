from django.contrib import admin

from siaga.events.admin import ActionModelAdmin
from siaga.units.models import Station, Unit


@admin.register(Station)
class StationAdmin(ActionModelAdmin):
    list_display = ["name", "agency", "lat", "lon", "is_approximate"]
    list_filter = ["agency"]
    search_fields = ["name"]


@admin.register(Unit)
class UnitAdmin(ActionModelAdmin):
    """Units are configured here; their status changes only through the actions."""

    list_display = ["call_sign", "agency", "kind", "station", "status", "is_active"]
    list_filter = ["agency", "kind", "status"]
    search_fields = ["call_sign", "capabilities"]
    readonly_fields = [
        "status",
        "status_since",
        "incident",
        "lat",
        "lon",
        "position_at",
    ]
