from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from siaga.accounts.access import require
from siaga.accounts.roles import Can
from siaga.areas.locate import Candidates, candidates
from siaga.areas.models import Area, AreaKind
from siaga.incidents.actions import (
    add_incident_note,
    enter_paper_form,
    export_incident_record,
)
from siaga.incidents.forms import PaperForm
from siaga.incidents.models import Incident, IncidentStatus
from siaga.incidents.timeline import timeline
from siaga.lib.errors import ActionError

LIST_LIMIT = 200


def incident_list(request: HttpRequest) -> HttpResponse:
    """Open incidents; with `semua`, every one. The statistics link here with filters
    (`dari`, `sampai`, `kategori`, `opd`, `kecamatan`): what a figure counts."""
    user = require(request.user, Can.VIEW_INCIDENTS)
    show_open = "semua" not in request.GET
    visible = Incident.objects.visible_to(user).for_display()
    if show_open:
        visible = visible.open()
    try:
        incidents, filtered = behind_a_figure(visible, request.GET)
    except ActionError as error:
        messages.error(request, error.message)
        incidents, filtered = visible.none(), True
    context = {
        "incidents": incidents[:LIST_LIMIT],
        "show_open": show_open,
        "filtered": filtered,
    }
    return render(request, "incidents/list.html", context)


FILTERS = {
    "kategori": "category__code",
    "opd": "dispatches__agency__code",
    "kecamatan": "kecamatan__name",
}


def behind_a_figure(
    incidents: QuerySet[Incident], query: QueryDict
) -> tuple[QuerySet[Incident], bool]:
    """The incidents a statistics figure counts: opened in the period, not merged, of
    the category, agency or kecamatan asked for."""
    from siaga.stats.period import period_from

    asked = {key: query[key][:120] for key in FILTERS if query.get(key)}
    if not asked and "dari" not in query:
        return incidents, False
    period = period_from(query)
    incidents = incidents.filter(
        opened_at__gte=period.start, opened_at__lt=period.end
    ).exclude(status=IncidentStatus.MERGED)
    for key, value in asked.items():
        incidents = incidents.filter(**{FILTERS[key]: value})
    return incidents.distinct(), True


@require_http_methods(["GET"])
def incident_record(request: HttpRequest, number: str) -> HttpResponse:
    """The incident's events with their hash-chain proof, as a JSON file (evidence)."""
    user = require(request.user, Can.VIEW_EVENT_LOG)
    incident = get_object_or_404(Incident.objects.visible_to(user), number=number)
    record = export_incident_record(incident, actor=user)
    response = JsonResponse(
        record, json_dumps_params={"ensure_ascii": False, "indent": 1}
    )
    response["Content-Disposition"] = (
        f'attachment; filename="rekaman-{incident.number}.json"'
    )
    return response


def incident_detail(request: HttpRequest, number: str) -> HttpResponse:
    user = require(request.user, Can.VIEW_INCIDENTS)
    incidents = Incident.objects.visible_to(user).for_display()
    incident = get_object_or_404(incidents, number=number)
    contacts = incident.contacts.select_related("caller").order_by("received_at")
    context = {
        "incident": incident,
        "timeline": timeline(incident.pk),
        "contacts": contacts if user.can(Can.VIEW_CONTACTS) else None,
        "may_write": user.can(Can.WRITE_INCIDENTS),
        "may_export": user.can(Can.VIEW_EVENT_LOG),
        "whose": (found := whose(incident)),
        "referrals": incident.referrals.select_related("neighbour").order_by("sent_at"),
        "neighbours": neighbours_for(found),
    }
    return render(request, "incidents/detail.html", context)


def neighbours_for(found: Candidates | None) -> list[Area]:
    """The neighbours to offer for a referral, the ones the point may lie in first."""
    likely = list(found.outside_home) if found is not None else []
    others = Area.objects.filter(kind=AreaKind.NEIGHBOUR).exclude(
        pk__in=[a.pk for a in likely]
    )
    return likely + list(others.order_by("name"))


def whose(incident: Incident) -> Candidates | None:
    if incident.lat is None or incident.lon is None:
        return None
    return candidates(incident.lat, incident.lon, incident.uncertainty_m)


@require_POST
def add_note(request: HttpRequest, number: str) -> HttpResponse:
    user = require(request.user, Can.WRITE_INCIDENTS)
    incident = get_object_or_404(Incident.objects.visible_to(user), number=number)
    try:
        add_incident_note(incident, text=request.POST.get("text", ""), actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("incidents:detail", number=number)


@require_http_methods(["GET", "POST"])
def paper_form(request: HttpRequest) -> HttpResponse:
    """Enter a paper fallback form under its printed number (docs/operations.md)."""
    user = require(request.user, Can.WRITE_INCIDENTS)
    form = PaperForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = enter_paper_form(
                number=data["number"],
                opened_at=data["opened_at"],
                channel=data["channel"],
                caller=data["caller"],
                category=data["category"],
                description=data["description"],
                address=data["address"],
                people_count=data["people_count"],
                priority=data["priority"],
                agencies=list(data["agencies"]),
                actor=user,
            )
        except ActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Formulir {incident.number} sudah masuk.")
            return redirect("incidents:detail", number=incident.number)
    return render(request, "incidents/paper_form.html", {"form": form})
