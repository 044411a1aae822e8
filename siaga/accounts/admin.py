from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.forms import ModelForm
from django.http import HttpRequest

from siaga.accounts.actions import revoke_api_token, save_user
from siaga.accounts.models import ApiToken, User
from siaga.events.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(DjangoUserAdmin):  # type: ignore[type-arg]
    list_display = [
        "username",
        "first_name",
        "role",
        "agency",
        "is_active",
        "last_login",
    ]
    list_filter = ["role", "agency", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Peran", {"fields": ("role", "agency", "is_active")}),
        ("Data diri", {"fields": ("first_name", "last_name", "email")}),
        ("Waktu", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2", "role", "agency")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def save_model(
        self, request: HttpRequest, obj: Any, form: ModelForm[Any], change: bool
    ) -> None:
        """Written in save_related by the save_user action, with its event."""

    def save_related(
        self, request: HttpRequest, form: ModelForm[Any], formsets: Any, change: bool
    ) -> None:
        save_user(form.instance, actor=request.user, save_related=form.save_m2m)  # type: ignore[arg-type]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are issued with `siaga create-token`;
    here they can be seen and revoked."""

    list_display = ["name", "user", "prefix", "scopes", "created_at", "revoked_at"]
    actions = ["revoke"]

    @admin.action(description="Cabut token terpilih")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for token in queryset:
            revoke_api_token(token, actor=request.user)  # type: ignore[arg-type]
