"""Entering a paper fallback form (`/insiden/kertas/`), and the incident fields it
shares with the call floor's triage form (intake/forms.py)."""

from __future__ import annotations

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from siaga.agencies.models import Agency
from siaga.incidents.models import Category, Priority
from siaga.intake.models import Channel


def description_field() -> forms.CharField:
    return forms.CharField(
        label=_("Uraian"), max_length=5000, required=False, widget=forms.Textarea
    )


def priority_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Prioritas"),
        choices=[("", _("bawaan kategori")), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )


def agencies_field(label: str | Promise) -> forms.ModelMultipleChoiceField[Agency]:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=Agency.objects.active(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PaperForm(forms.Form):
    number = forms.CharField(label=_("Nomor formulir"), max_length=40)
    opened_at = forms.DateTimeField(
        label=_("Jam diterima (WIB)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    channel = forms.ChoiceField(
        label=_("Kanal"), choices=Channel.choices, initial=Channel.CALL
    )
    caller = forms.CharField(label=_("Nomor penelepon"), max_length=40, required=False)
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.filter(is_active=True),
        to_field_name="code",
    )
    description = description_field()
    address = forms.CharField(
        label=_("Lokasi (alamat, patokan)"), max_length=300, required=False
    )
    people_count = forms.IntegerField(
        label=_("Jumlah orang terdampak"),
        min_value=0,
        max_value=100_000,
        required=False,
    )
    priority = priority_field()
    agencies = agencies_field(_("OPD dihubungi"))
