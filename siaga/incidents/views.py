from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from siaga.accounts.access import require
from siaga.accounts.roles import Can
from siaga.incidents.models import Incident
from siaga.incidents.timeline import timeline

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
    context = {"incident": incident, "timeline": timeline(incident.pk)}
    return render(request, "incidents/detail.html", context)
