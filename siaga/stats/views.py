"""The statistics dashboard (`/statistik/`): a supervisor sees everything, an agency
operator its own agency; every figure links to the incidents behind it. The monthly
report and the month's open data download from here, scoped the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from siaga.accounts.access import require
from siaga.accounts.models import User
from siaga.accounts.roles import Can
from siaga.agencies.models import Agency
from siaga.incidents.models import Category
from siaga.intake.models import Channel, Classification
from siaga.lib.errors import ActionError
from siaga.stats.figures import Counts, Timings, counts, prank_map, timings, trend
from siaga.stats.period import Period, period_from, this_month
from siaga.stats.report import (
    KINDS,
    OPEN_DATA,
    REPORT_FORMATS,
    ReportFile,
    report_file,
)
from siaga.stats.report.content import NENA_TARGETS

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
    """`rows` for a series in a fixed order (hours, weekdays), nothing linked."""
    return rows({str(label): n for label, n in zip(labels, values, strict=True)}, {})


def chosen_period(request: HttpRequest) -> Period:
    """The period asked for (`dari`, `sampai`); this month, with a message, when the
    dates cannot be read."""
    try:
        return period_from(request.GET)
    except ActionError as error:
        messages.error(request, error.message)
        return this_month()


def figure_rows(period: Period, agency: Agency | None, month: Counts) -> dict[str, Any]:
    """Every count as labelled rows with bars; incident rows link to the incidents."""
    categories = dict(Category.objects.values_list("code", "name"))
    return {
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
        "by_hour": bars(month.contacts_by_hour, [f"{h:02d}" for h in range(24)]),
        "by_weekday": bars(month.contacts_by_weekday, WEEKDAYS),
    }


def timing_rows(times: Timings) -> dict[str, Any]:
    return {
        # (seconds, share answered within them in %, NENA's target in %)
        "answer_shares": [
            (limit, None if share is None else round(share * 100, 1), target)
            for (limit, share), target in zip(
                times.answered_within.items(), NENA_TARGETS, strict=True
            )
        ],
        "timing_rows": [
            (_("Dering → dijawab"), times.ring_to_answer),
            (_("Dijawab → insiden dibuka"), times.answer_to_incident),
            (_("Insiden → penugasan pertama"), times.incident_to_dispatch),
            (_("Penugasan → tiba di lokasi"), times.dispatch_to_on_scene),
            (_("Insiden → selesai ditangani"), times.total_handling),
        ],
    }


def prank_rows(period: Period, agency: Agency | None) -> list[dict[str, Any]]:
    """The prank map as a heat table: place × hour, each cell shaded by its count."""
    grid = prank_map(period, agency)
    top = max((n for hours in grid.values() for n in hours), default=0) or 1
    return [
        {
            "place": place,
            "total": sum(hours),
            "cells": [(n, round(100 * n / top)) for n in hours],  # shade in %
        }
        for place, hours in grid.items()
    ]


def trend_rows(period: Period, agency: Agency | None) -> list[dict[str, Any]]:
    """The twelve months up to the period's last, with a bar for contacts."""
    months = trend(f"{period.last_day():%Y-%m}", agency=agency)
    top = max((m.contacts for m in months), default=0) or 1
    return [{"m": m, "width": round(100 * m.contacts / top)} for m in months]


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = require(request.user, Can.VIEW_STATISTICS)
    agency = agency_for(request, user)
    period = chosen_period(request)
    month, times = counts(period, agency), timings(period, agency)
    context = {
        "period": period,
        "agency": agency,
        "agencies": Agency.objects.active() if not user.is_agency_operator else [],
        "month": month,
        "times": times,
        "prank_map": prank_rows(period, agency),
        "trend": trend_rows(period, agency),
        "hours": range(24),
        "report_month": f"{period.start:%Y-%m}",
        "report_query": scope_query(user, agency),
    }
    context |= figure_rows(period, agency, month) | timing_rows(times)
    return render(request, "stats/dashboard.html", context)


def scope_query(user: User, agency: Agency | None) -> str:
    """`?opd=CODE` for the agency a supervisor chose (an operator's is implied)."""
    if agency is None or user.is_agency_operator:
        return ""
    return "?" + urlencode({"opd": agency.code})


BAD_MONTH = _("Bulan tidak dikenal: tulis seperti 2026-11.")


def attachment(found: ReportFile) -> HttpResponse:
    disposition = content_disposition_header(as_attachment=True, filename=found.name)
    return HttpResponse(
        found.content,
        content_type=found.content_type,
        headers={"Content-Disposition": disposition or "attachment"},
    )


def month_file(request: HttpRequest, month: str, kind: str) -> HttpResponse:
    """One file of the month, scoped as the dashboard; a malformed month is a 400."""
    user = require(request.user, Can.VIEW_STATISTICS)
    if kind not in KINDS:
        raise Http404
    try:
        period = Period.month(month)
    except ActionError:
        return HttpResponseBadRequest(
            str(BAD_MONTH), content_type="text/plain; charset=utf-8"
        )
    return attachment(report_file(kind, period, agency_for(request, user)))


@require_GET
def monthly_report(request: HttpRequest, month: str, kind: str) -> HttpResponse:
    """`/statistik/laporan/2026-11.pdf` (or .xlsx, .csv), as the dashboard is scoped."""
    return month_file(request, month, kind if kind in REPORT_FORMATS else "")


@require_GET
def open_data(request: HttpRequest, month: str) -> HttpResponse:
    """`/statistik/data-terbuka/2026-11.csv`: the month's incidents, nobody's data."""
    return month_file(request, month, OPEN_DATA)


@require_GET
def pick_monthly_report(request: HttpRequest) -> HttpResponse:
    """The dashboard's form (`?bulan=2026-11&berkas=pdf`) → the file's own address."""
    user = require(request.user, Can.VIEW_STATISTICS)
    month, kind = request.GET.get("bulan", "")[:20], request.GET.get("berkas", "")
    try:
        Period.month(month)
    except ActionError:
        messages.error(request, BAD_MONTH)
        return redirect("stats:dashboard")
    query = scope_query(user, agency_for(request, user))
    if kind == OPEN_DATA:
        return redirect(reverse("stats:open_data", args=[month]) + query)
    kind = kind if kind in REPORT_FORMATS else "pdf"
    return redirect(reverse("stats:monthly_report", args=[month, kind]) + query)
