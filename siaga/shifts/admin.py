from django.contrib import admin

from siaga.events.admin import ActionModelAdmin, ReadOnlyAdmin
from siaga.shifts.models import Duty, Handover, ShiftPattern


@admin.register(ShiftPattern)
class ShiftPatternAdmin(ActionModelAdmin):
    list_display = ["role", "starts", "names"]


@admin.register(Duty)
class DutyAdmin(ReadOnlyAdmin):
    """Duties change through the rota and check-in pages (with their events)."""

    list_display = ["user", "name", "starts_at", "checked_in_at", "checked_out_at"]
    list_filter = ["name"]


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = [
        "outgoing",
        "incoming",
        "created_at",
        "confirmed_at",
        "confirmed_by",
    ]
