from django.contrib import admin

from siaga.alerts.models import Alert
from siaga.events.admin import ReadOnlyAdmin


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    """Alerts are sent through the actions only; a sent CAP message never changes."""

    list_display = ["identifier", "msg_type", "status", "headline", "sent_at"]
    list_filter = ["status", "msg_type", "category"]
    search_fields = ["identifier", "headline", "event"]
    date_hierarchy = "sent_at"
