"""The free-ambulance trip form (the agency console)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from siaga.areas.models import Landmark
from siaga.units.models import TRIP_FIELDS, AmbulanceTrip

HOSPITAL_KIND = "rumah sakit"


class TripForm(forms.ModelForm):  # type: ignore[type-arg]
    patient_age = forms.IntegerField(
        label=_("umur pasien"), min_value=0, max_value=130, required=False
    )
    destination = forms.ModelChoiceField(
        queryset=Landmark.objects.filter(kind=HOSPITAL_KIND, is_active=True).order_by(
            "name"
        ),
        label=_("RS tujuan"),
        required=False,
    )

    class Meta:
        model = AmbulanceTrip
        fields = TRIP_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("destination") and not data.get("destination_other"):
            self.add_error("destination", _("Pilih RS tujuan atau tulis tujuan lain."))
        return data
