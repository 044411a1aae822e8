from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from siaga.events.admin import ReadOnlyAdmin
from siaga.intake.actions.deliveries import requeue_delivery
from siaga.intake.models import Caller, Contact, Delivery


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


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    """Webhook bodies as they arrived; a failed one can be sent through again."""

    list_display = ["received_at", "channel", "status", "attempts", "contact_count"]
    list_filter = ["channel", "status"]
    search_fields = ["body", "error"]
    actions = ["process_again"]

    @admin.action(description=_("Proses ulang kiriman yang gagal"))
    def process_again(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = sum(requeue_delivery(delivery) for delivery in queryset)
        self.message_user(request, _("%(n)s kiriman diantrekan ulang.") % {"n": count})
