from django.contrib import admin

from siaga.events.admin import ReadOnlyAdmin
from siaga.intake.models import Caller, Contact


@admin.register(Caller)
class CallerAdmin(ReadOnlyAdmin):
    list_display = ["identifier", "kind", "display_name", "first_seen_at"]
    search_fields = ["identifier", "display_name"]


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = [
        "received_at",
        "channel",
        "sender_raw",
        "classification",
        "incident",
    ]
    list_filter = ["channel", "classification"]
    search_fields = ["sender_raw", "text", "incident__number"]
    date_hierarchy = "received_at"
