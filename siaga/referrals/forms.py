"""The referral form on the incident page. It parses; the action decides."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from siaga.areas.models import Area, AreaKind
from siaga.referrals.models import Method


class ReferralForm(forms.Form):
    neighbour = forms.ModelChoiceField(
        label=_("Pusat 112 tujuan"),
        queryset=Area.objects.filter(kind=AreaKind.NEIGHBOUR),
        to_field_name="code",
    )
    method = forms.ChoiceField(
        label=_("Cara"), choices=Method.choices, widget=forms.RadioSelect
    )
    phone_number = forms.CharField(
        label=_("Nomor yang ditelepon"), max_length=40, required=False
    )
    answered_by = forms.CharField(
        label=_("Diterima oleh (nama petugas di sana)"), max_length=120, required=False
    )
    note = forms.CharField(label=_("Catatan"), max_length=2000, required=False)


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            ("acknowledged", _("Dikonfirmasi")),
            ("accepted", _("Diterima")),
            ("declined", _("Ditolak")),
            ("cancelled", _("Dibatalkan")),
        ]
    )
    reason = forms.CharField(max_length=2000, required=False)
