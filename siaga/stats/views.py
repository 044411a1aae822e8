"""The statistics dashboard (`/statistik/`): a supervisor sees everything, an agency
operator its own agency; every figure links to the incidents behind it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from siaga.accounts.access import require
from siaga.accounts.models import User
from siaga.accounts.roles import Can
from siaga.agencies.models import Agency
from siaga.incidents.models import Category
from siaga.intake.models import Channel, Classification
from siaga.lib.errors import ActionError
from siaga.stats.figures import counts, timings
from siaga.stats.period import Period, period_from, this_month

NENA_TARGETS = (90, 95)  # % of calls answered within 15 s and within 20 s
WEEKDAYS = [_("Sen"), _("Sel"), _("Rab"), _("Kam"), _("Jum"), _("Sab"), _("Min")]


def agency_for(request: HttpRequest, user: User) -> Agency | None:
    """An agency operator's own agency, always; others may pick one with ?opd=."""
    if user.is_agency_operator:
        return user.agency
    return Agency.objects.filter(code=request.GET.get("opd", "")[:40]).first()


Link = Callable[[str], str]


def labels(choices: Iterable[tuple[str, object]]) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def rows(
    found: dict[str, int], labels: dict[str, str], link: Link | None = None
) -> list[dict[str, Any]]:
    """Label, count, width of its bar (against the largest) and the incidents behind."""
    top = max(found.values(), default=0) or 1
    return [
        {
            "label": labels.get(key, key),
            "n": n,
            "width": round(100 * n / top),
            "href": link(key) if link is not None else "",
        }
        for key, n in found.items()
    ]


def incidents_behind(period: Period, agency: Agency | None, field: str) -> Link:
    """The incident list filtered to what one figure counts."""
    query = {
        "semua": "1",
        "dari": period.start.date().isoformat(),
        "sampai": period.last_day().isoformat(),
    } | ({"opd": agency.code} if agency is not None else {})
    return lambda key: "/insiden/?" + urlencode(query | {field: key})


def bars(values: list[int], labels: list[Any]) -> list[dict[str, Any]]:
    top = max(values, default=0) or 1
    return [
        {"label": label, "n": n, "width": round(100 * n / top)}
        for label, n in zip(labels, values, strict=True)
    ]


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = require(request.user, Can.VIEW_STATISTICS)
    agency = agency_for(request, user)
    try:
        period = period_from(request.GET)
    except ActionError as error:
        messages.error(request, error.message)
        period = this_month()
    month, times = counts(period, agency), timings(period, agency)
    categories = dict(Category.objects.values_list("code", "name"))
    context = {
        "period": period,
        "agency": agency,
        "agencies": Agency.objects.active() if not user.is_agency_operator else [],
        "month": month,
        "times": times,
        # (seconds, share answered within them in %, NENA's target in %)
        "answer_shares": [
            (limit, None if share is None else round(share * 100, 1), target)
            for (limit, share), target in zip(
                times.answered_within.items(), NENA_TARGETS, strict=True
            )
        ],
        "by_channel": rows(month.by_channel, labels(Channel.choices)),
        "by_classification": rows(
            month.by_classification, labels(Classification.choices)
        ),
        "by_category": rows(
            month.by_category, categories, incidents_behind(period, agency, "kategori")
        ),
        "by_agency": rows(month.by_agency, {}, incidents_behind(period, None, "opd")),
        "by_kecamatan": rows(
            month.by_kecamatan, {}, incidents_behind(period, agency, "kecamatan")
        ),
        "timing_rows": [
            (_("Dering → dijawab"), times.ring_to_answer),
            (_("Dijawab → insiden dibuka"), times.answer_to_incident),
            (_("Insiden → penugasan pertama"), times.incident_to_dispatch),
            (_("Penugasan → tiba di lokasi"), times.dispatch_to_on_scene),
            (_("Insiden → selesai ditangani"), times.total_handling),
        ],
        "by_hour": bars(month.contacts_by_hour, [f"{h:02d}" for h in range(24)]),
        "by_weekday": bars(month.contacts_by_weekday, WEEKDAYS),
    }
    return render(request, "stats/dashboard.html", context)
