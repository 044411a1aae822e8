"""The call taker's one form. It parses and validates; the triage action decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from siaga.areas.models import Landmark
from siaga.incidents.actions import Place
from siaga.incidents.forms import agencies_field, description_field, priority_field
from siaga.incidents.models import Category, Incident
from siaga.intake.actions import Triage
from siaga.intake.models import Classification, Contact

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
    priority = priority_field()
    description = description_field()
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
    agencies = agencies_field(_("Teruskan ke OPD"))
    duplicate_of = forms.ModelChoiceField(
        queryset=Incident.objects.open(),
        to_field_name="number",
        required=False,
        widget=forms.HiddenInput,
    )
    note = forms.CharField(label=_("Catatan"), max_length=2000, required=False)
    also = forms.ModelMultipleChoiceField(
        label=_("Sertakan laporan serupa"),
        queryset=Contact.objects.unclassified(),
        to_field_name="public_id",
        required=False,
    )
    next = forms.ChoiceField(
        choices=[("", ""), ("inbox", "inbox")], required=False, widget=forms.HiddenInput
    )

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
            also=list(data.get("also") or []),
        )


class PublicReportForm(forms.Form):
    """The public report page: what a resident can tell us from a phone's browser."""

    phone = forms.CharField(
        label=_("Nomor HP Anda (untuk dihubungi petugas)"), max_length=40
    )
    name = forms.CharField(
        label=_("Nama (boleh dikosongkan)"), max_length=120, required=False
    )
    category = forms.ModelChoiceField(
        label=_("Jenis kejadian"),
        queryset=Category.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("— pilih —"),
    )
    text = forms.CharField(
        label=_("Apa yang terjadi?"), max_length=2000, widget=forms.Textarea
    )
    address = forms.CharField(
        label=_("Lokasi (alamat, patokan, RT/RW)"), max_length=300, required=False
    )
    lat = forms.FloatField(
        min_value=-90, max_value=90, required=False, widget=forms.HiddenInput
    )
    lon = forms.FloatField(
        min_value=-180, max_value=180, required=False, widget=forms.HiddenInput
    )
    accuracy_m = forms.IntegerField(
        min_value=0, max_value=1_000_000, required=False, widget=forms.HiddenInput
    )
    photo = forms.FileField(label=_("Foto (boleh dikosongkan)"), required=False)
    submission = forms.UUIDField(widget=forms.HiddenInput)
    # A field people never see; bots fill it in.
    website = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean_phone(self) -> str:
        from siaga.lib import phone

        number: str = self.cleaned_data["phone"]
        if phone.to_e164(number) is None:
            raise forms.ValidationError(
                _("Nomor HP tidak dikenali, contoh 0812 3456 7890.")
            )
        return number

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lon") is None):
            data["lat"] = data["lon"] = None
        for field in ("text", "name", "address"):
            if "\x00" in (data.get(field) or ""):
                self.add_error(field, _("Teks berisi karakter yang tidak diizinkan."))
        return data
