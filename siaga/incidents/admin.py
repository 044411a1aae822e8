from django.contrib import admin

from siaga.events.admin import ActionModelAdmin, ReadOnlyAdmin
from siaga.incidents.models import Category, Incident


@admin.register(Category)
class CategoryAdmin(ActionModelAdmin):
    list_display = [
        "sort_order",
        "name",
        "code",
        "default_priority",
        "eido_code",
        "is_active",
    ]
    list_display_links = ["name"]
    list_filter = ["is_active", "default_priority"]
    search_fields = ["name", "name_en", "code"]
    filter_horizontal = ["default_agencies"]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "category",
        "priority",
        "status",
        "kecamatan",
        "opened_at",
    ]
    list_filter = ["status", "priority", "category"]
    search_fields = ["number", "description", "address"]
    date_hierarchy = "opened_at"
