from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from siaga.accounts.access import capability_required
from siaga.accounts.roles import Can
from siaga.incidents.models import Incident
from siaga.incidents.timeline import timeline


@capability_required(Can.VIEW_INCIDENTS)
def incident_list(request: HttpRequest) -> HttpResponse:
    show_open = "semua" not in request.GET
    incidents = Incident.objects.visible_to(request.user)  # type: ignore[arg-type]
    if show_open:
        incidents = incidents.open()
    incidents = incidents.select_related(
        "category", "kelurahan", "kecamatan", "jurisdiction"
    ).prefetch_related("dispatches__agency")[:200]
    return render(
        request, "incidents/list.html", {"incidents": incidents, "show_open": show_open}
    )


@capability_required(Can.VIEW_INCIDENTS)
def incident_detail(request: HttpRequest, number: str) -> HttpResponse:
    incidents = Incident.objects.visible_to(request.user)  # type: ignore[arg-type]
    incident = get_object_or_404(
        incidents.select_related(
            "category", "kelurahan", "kecamatan", "jurisdiction", "landmark"
        ),
        number=number,
    )
    return render(
        request,
        "incidents/detail.html",
        {"incident": incident, "timeline": timeline(incident.pk)},
    )
