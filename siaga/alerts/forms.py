"""The supervisor's alert form. It parses; `issue_alert` checks the CAP rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from siaga.alerts.actions import AlertInfo, Circle, Where
from siaga.alerts.models import (
    AlertCategory,
    AlertStatus,
    Certainty,
    ResponseType,
    Severity,
    Urgency,
)
from siaga.areas.models import Area, AreaKind

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
CIRCLE_FIELDS = ("circle_lat", "circle_lon", "circle_radius_km")


class AlertForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=AlertStatus.choices, initial=AlertStatus.ACTUAL
    )
    category = forms.ChoiceField(label=_("Kategori"), choices=AlertCategory.choices)
    event = forms.CharField(label=_("Jenis kejadian"), max_length=100)
    urgency = forms.ChoiceField(label=_("Urgensi"), choices=Urgency.choices)
    severity = forms.ChoiceField(label=_("Tingkat keparahan"), choices=Severity.choices)
    certainty = forms.ChoiceField(label=_("Kepastian"), choices=Certainty.choices)
    response_type = forms.ChoiceField(
        label=_("Tindakan yang dianjurkan"),
        choices=[("", "—"), *ResponseType.choices],
        required=False,
    )
    headline = forms.CharField(label=_("Judul"), max_length=160)
    description = forms.CharField(
        label=_("Uraian"), max_length=10_000, required=False, widget=forms.Textarea
    )
    instruction = forms.CharField(
        label=_("Petunjuk untuk warga"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea,
    )
    effective = forms.DateTimeField(
        label=_("Berlaku mulai (kosong: sekarang)"), required=False, widget=WHEN
    )
    onset = forms.DateTimeField(label=_("Perkiraan mulai"), required=False, widget=WHEN)
    expires = forms.DateTimeField(label=_("Berlaku sampai"), widget=WHEN)
    areas = forms.ModelMultipleChoiceField(
        label=_("Wilayah"),
        queryset=Area.objects.filter(
            kind__in=[AreaKind.HOME, AreaKind.KECAMATAN]
        ).exclude(geometry=""),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    circle_lat = forms.FloatField(
        label=_("Lintang pusat lingkaran"), min_value=-90, max_value=90, required=False
    )
    circle_lon = forms.FloatField(
        label=_("Bujur pusat lingkaran"),
        min_value=-180,
        max_value=180,
        required=False,
    )
    circle_radius_km = forms.FloatField(
        label=_("Jari-jari (km)"), min_value=0.01, max_value=100, required=False
    )
    circle_description = forms.CharField(
        label=_("Nama daerah lingkaran"), max_length=200, required=False
    )
    web = forms.CharField(label=_("Tautan informasi"), max_length=300, required=False)
    contact = forms.CharField(label=_("Narahubung"), max_length=300, required=False)
    event_en = forms.CharField(
        label=_("Jenis kejadian (Inggris)"), max_length=100, required=False
    )
    headline_en = forms.CharField(
        label=_("Judul (Inggris)"), max_length=160, required=False
    )
    description_en = forms.CharField(
        label=_("Uraian (Inggris)"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea,
    )
    instruction_en = forms.CharField(
        label=_("Petunjuk (Inggris)"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [data.get(name) is not None for name in CIRCLE_FIELDS]
        if any(given) and not all(given):
            raise forms.ValidationError(
                _("Isi lintang, bujur dan jari-jari lingkaran, atau kosongkan semua.")
            )
        return data

    def info(self) -> AlertInfo:
        data = self.cleaned_data
        return AlertInfo(
            category=data["category"],
            event=data["event"],
            urgency=data["urgency"],
            severity=data["severity"],
            certainty=data["certainty"],
            response_type=data["response_type"],
            headline=data["headline"],
            description=data["description"],
            instruction=data["instruction"],
            effective_at=data["effective"],
            onset_at=data["onset"],
            expires_at=data["expires"],
            web=data["web"],
            contact=data["contact"],
            event_en=data["event_en"],
            headline_en=data["headline_en"],
            description_en=data["description_en"],
            instruction_en=data["instruction_en"],
        )

    def where(self) -> Where:
        data = self.cleaned_data
        circles = []
        if data.get("circle_lat") is not None:
            circles.append(
                Circle(
                    lat=data["circle_lat"],
                    lon=data["circle_lon"],
                    radius_km=data["circle_radius_km"],
                    description=data["circle_description"],
                )
            )
        return Where(areas=list(data["areas"]), circles=circles)
