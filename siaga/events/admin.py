from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from siaga.events.actions import delete_configuration, save_configuration
from siaga.events.models import Event


class ActionModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin whose saves and deletes go through the configuration actions."""

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        """Written in save_related, with its many-to-many
        links, so the event sees the final state."""

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        def related() -> None:
            form.save_m2m()
            for formset in formsets:
                self.save_formset(request, form, formset, change=change)

        save_configuration(form.instance, actor=request.user, save_related=related)  # type: ignore[arg-type]

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        delete_configuration(obj, actor=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            delete_configuration(obj, actor=request.user)  # type: ignore[arg-type]


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """For rows that only workflow actions may
    write: the admin may look, never touch."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_name", "action", "target_label"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_label", "actor_name", "action"]
    date_hierarchy = "created_at"
