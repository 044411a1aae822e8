"""The supervisor's board and the theatre wallboard: one page, refreshed live."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from siaga.accounts.access import require
from siaga.accounts.roles import Can
from siaga.areas.models import Area, AreaKind
from siaga.board.queries import build_board
from siaga.incidents.models import Incident
from siaga.units.api import units_for
from siaga.units.live import map_points


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    require(request.user, Can.VIEW_BOARD)
    return render(request, "board/board.html", {"board": build_board()})


@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    """The home outline, the open incidents and the units this user may see (an agency:
    its own), for every map's first load; later moves come over the live stream."""
    user = require(request.user, Can.VIEW_INCIDENTS)
    home = Area.objects.of_kind(AreaKind.HOME).exclude(geometry="").first()
    incidents = Incident.objects.visible_to(user).open().filter(lat__isnull=False)
    points = [
        {
            "number": i.number,
            "lat": i.lat,
            "lon": i.lon,
            "priority": i.priority,
            "category": i.category.name,
            "status": str(i.get_status_display()),
        }
        for i in incidents.select_related("category")[:500]
    ]
    outline = json.loads(home.geometry) if home else None
    units = map_points(units_for(user))
    return JsonResponse({"outline": outline, "incidents": points, "units": units})
