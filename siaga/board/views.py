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


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    require(request.user, Can.VIEW_BOARD)
    return render(request, "board/board.html", {"board": build_board()})


@require_GET
def map_data(request: HttpRequest) -> JsonResponse:
    """The home outline and the open incidents this user may see, for every map."""
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
    return JsonResponse({"outline": outline, "incidents": points})
