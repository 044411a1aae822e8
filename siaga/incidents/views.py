from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from siaga.accounts.access import require
from siaga.accounts.roles import Can
from siaga.areas.locate import Candidates, candidates
from siaga.areas.models import Area, AreaKind
from siaga.incidents.actions import add_incident_note
from siaga.incidents.models import Incident
from siaga.incidents.timeline import timeline
from siaga.lib.errors import ActionError

LIST_LIMIT = 200


def incident_list(request: HttpRequest) -> HttpResponse:
    user = require(request.user, Can.VIEW_INCIDENTS)
    show_open = "semua" not in request.GET
    incidents = Incident.objects.visible_to(user).for_display()
    if show_open:
        incidents = incidents.open()
    context = {"incidents": incidents[:LIST_LIMIT], "show_open": show_open}
    return render(request, "incidents/list.html", context)


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
