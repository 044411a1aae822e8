from django.contrib import admin

from siaga.agencies.models import Agency
from siaga.events.admin import ActionModelAdmin


@admin.register(Agency)
class AgencyAdmin(ActionModelAdmin):
    list_display = ["code", "short_name", "name", "phone", "is_partner", "is_active"]
    list_filter = ["is_partner", "is_active"]
    search_fields = ["code", "name", "short_name"]
