"""The call taker's one form. It parses and validates; the triage action decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from siaga.agencies.models import Agency
from siaga.areas.models import Landmark
from siaga.incidents.actions import Place
from siaga.incidents.models import Category, Incident, Priority
from siaga.intake.actions import Triage
from siaga.intake.models import Classification

CHOICES = [c for c in Classification.choices if c[0] != Classification.UNCLASSIFIED]


class TriageForm(forms.Form):
    classification = forms.ChoiceField(
        label=_("Klasifikasi"), choices=CHOICES, widget=forms.RadioSelect
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
    )
    priority = forms.TypedChoiceField(
        label=_("Prioritas"),
        choices=[("", _("bawaan kategori")), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    description = forms.CharField(
        label=_("Uraian"), max_length=5000, required=False, widget=forms.Textarea
    )
    people_count = forms.IntegerField(
        label=_("Jumlah orang terlibat"), min_value=0, max_value=100_000, required=False
    )
    address = forms.CharField(
        label=_("Alamat / patokan"), max_length=300, required=False
    )
    landmark = forms.ModelChoiceField(
        queryset=Landmark.objects.filter(is_active=True),
        required=False,
        widget=forms.HiddenInput,
    )
    lat = forms.FloatField(
        label=_("Lintang"), min_value=-90, max_value=90, required=False
    )
    lon = forms.FloatField(
        label=_("Bujur"), min_value=-180, max_value=180, required=False
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("Teruskan ke OPD"),
        queryset=Agency.objects.active(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    duplicate_of = forms.ModelChoiceField(
        queryset=Incident.objects.open(),
        to_field_name="number",
        required=False,
        widget=forms.HiddenInput,
    )
    note = forms.CharField(label=_("Catatan"), max_length=2000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise forms.ValidationError(
                _("Isi lintang dan bujur, atau kosongkan keduanya.")
            )
        emergency = data.get("classification") == Classification.EMERGENCY
        if emergency and not data.get("duplicate_of") and not data.get("category"):
            self.add_error("category", _("Pilih kategori kejadian darurat."))
        return data

    def triage(self) -> Triage:
        data = self.cleaned_data
        place = Place(
            lat=data.get("lat"),
            lon=data.get("lon"),
            address=data.get("address") or "",
            landmark=data.get("landmark"),
        )
        return Triage(
            classification=data["classification"],
            note=data.get("note") or "",
            category=data.get("category"),
            priority=data.get("priority"),
            description=data.get("description") or "",
            people_count=data.get("people_count"),
            place=place,
            agencies=list(data.get("agencies") or []),
            duplicate_of=data.get("duplicate_of"),
        )
