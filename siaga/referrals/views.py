"""Referral pages: refer from the incident page, answer, the incoming queue's accept
and decline, and the monthly figures by neighbour."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from siaga.accounts.access import by_public_id, require
from siaga.accounts.roles import Can
from siaga.incidents.models import Incident
from siaga.lib.errors import ActionError
from siaga.referrals.actions import (
    accept_referral,
    answer_referral,
    decline_referral,
    refer_incident,
)
from siaga.referrals.forms import AnswerForm, ReferralForm
from siaga.referrals.models import (
    OPEN_STATUSES,
    Direction,
    Referral,
    ReferralStatus,
)


def get_referral(referral_id: str) -> Referral:
    rows = Referral.objects.select_related("incident", "contact", "neighbour")
    return by_public_id(rows, referral_id, "referral")


@require_POST
def refer(request: HttpRequest, number: str) -> HttpResponse:
    user = require(request.user, Can.WRITE_INCIDENTS)
    incident = get_object_or_404(Incident.objects.visible_to(user), number=number)
    form = ReferralForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors.as_text())
        return redirect("incidents:detail", number=number)
    try:
        refer_incident(incident, **form.cleaned_data, actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("incidents:detail", number=number)


@require_POST
def answer(request: HttpRequest, referral_id: str) -> HttpResponse:
    user = require(request.user, Can.WRITE_INCIDENTS)
    referral = get_referral(referral_id)
    form = AnswerForm(request.POST)
    try:
        if referral.direction != Direction.OUT:
            raise ActionError(_("Rujukan masuk dijawab dengan Terima atau Tolak."))
        if not form.is_valid():
            raise ActionError(form.errors.as_text())
        answer_referral(referral, **form.cleaned_data, actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect_back(referral)


@require_POST
def accept(request: HttpRequest, referral_id: str) -> HttpResponse:
    user = require(request.user, Can.WRITE_INCIDENTS)
    try:
        incident = accept_referral(get_referral(referral_id), actor=user)
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("intake:console")
    return redirect("incidents:detail", number=incident.number)


@require_POST
def decline(request: HttpRequest, referral_id: str) -> HttpResponse:
    user = require(request.user, Can.WRITE_INCIDENTS)
    try:
        decline_referral(
            get_referral(referral_id),
            reason=request.POST.get("reason", "")[:2000],
            actor=user,
        )
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("intake:console")


def redirect_back(referral: Referral) -> HttpResponse:
    if referral.incident is not None:
        return redirect("incidents:detail", number=referral.incident.number)
    return redirect("referrals:list")


@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    """Open referrals both ways, and the monthly figures by neighbour."""
    require(request.user, Can.WRITE_INCIDENTS)
    referrals = Referral.objects.select_related("neighbour", "incident", "contact")
    context = {
        "open": list(referrals.open()[:200]),
        "months": monthly_figures(),
    }
    return render(request, "referrals/list.html", context)


def monthly_figures() -> list[dict[str, Any]]:
    """Per month, neighbour and direction: how many, and how many of each outcome."""
    rows = (
        Referral.objects.annotate(month=TruncMonth("sent_at"))
        .values("month", "neighbour__name", "direction", "status")
        .annotate(count=Count("id"))
        .order_by("-month", "neighbour__name", "direction")
    )
    table: dict[tuple[Any, str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["month"], row["neighbour__name"], row["direction"])
        entry = table.setdefault(
            key,
            {
                "month": row["month"],
                "neighbour": key[1],
                "direction": key[2],
                "total": 0,
                "open": 0,
            }
            | dict.fromkeys(ReferralStatus.values, 0),
        )
        entry[row["status"]] = row["count"]
        entry["total"] += row["count"]
        entry["open"] += row["count"] if row["status"] in OPEN_STATUSES else 0
    return list(table.values())
