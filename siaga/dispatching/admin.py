from django.contrib import admin

from siaga.dispatching.models import Dispatch
from siaga.events.admin import ReadOnlyAdmin


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyAdmin):
    list_display = ["incident", "agency", "status", "sent_at", "ack_deadline_at"]
    list_filter = ["status", "agency"]
    search_fields = ["incident__number"]
