from django.contrib import admin

from siaga.areas.models import Area, Landmark
from siaga.events.admin import ActionModelAdmin


@admin.register(Area)
class AreaAdmin(ActionModelAdmin):
    list_display = [
        "name",
        "kind",
        "code",
        "parent",
        "is_approximate",
        "referral_centre",
    ]
    list_filter = ["kind", "is_approximate"]
    search_fields = ["name", "code"]
    readonly_fields = ["updated_at"]


@admin.register(Landmark)
class LandmarkAdmin(ActionModelAdmin):
    list_display = [
        "name",
        "kind",
        "kecamatan",
        "lat",
        "lon",
        "is_approximate",
        "is_active",
    ]
    list_filter = ["kind", "is_approximate", "is_active", "kecamatan"]
    search_fields = ["name", "aliases"]
