"""The servers page (`/server/`): which server is primary, the standby's lag, past
switchovers, and failover drills a supervisor plans or cancels."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from siaga.accounts.access import require
from siaga.accounts.roles import Can
from siaga.cluster.actions import cancel_drill, schedule_drill
from siaga.cluster.models import Switchover, SwitchoverOutcome
from siaga.cluster.nodes import (
    PRIMARY,
    NodeState,
    Replica,
    nodes_from_settings,
    replicas_of,
    state_of,
)
from siaga.incidents.models import PaperBlock
from siaga.lib.errors import ActionError
from siaga.lib.fields import WIB


def cluster_state() -> tuple[list[NodeState], list[Replica]]:
    """Each server's role, and the primary's standbys; empty on SQLite."""
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return [], []
    states = [state_of(node) for node in nodes_from_settings()]
    primary = next(
        (s.node for s in states if s.role == PRIMARY and not s.read_only), None
    )
    return states, replicas_of(primary) if primary else []


@require_GET
def servers(request: HttpRequest) -> HttpResponse:
    require(request.user, Can.OPERATE_SERVERS)
    states, replicas = cluster_state()
    return render(
        request,
        "cluster/servers.html",
        {
            "states": states,
            "replicas": replicas,
            "switchovers": Switchover.objects.select_related("requested_by")[:20],
            "planned": Switchover.objects.filter(
                outcome=SwitchoverOutcome.PLANNED
            ).first(),
            "paper_blocks": PaperBlock.objects.select_related("reserved_by").order_by(
                "-id"
            )[:10],
        },
    )


@require_POST
def planning_drill(request: HttpRequest) -> HttpResponse:
    user = require(request.user, Can.OPERATE_SERVERS)
    try:
        at = datetime.fromisoformat(request.POST.get("at", "")[:16]).replace(tzinfo=WIB)
    except ValueError:
        messages.error(request, "Waktu latihan tidak valid (contoh 2026-12-06T02:00).")
        return redirect("cluster:servers")
    try:
        schedule_drill(at=at, note=request.POST.get("note", ""), actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("cluster:servers")


@require_POST
def printing_paper_forms(request: HttpRequest) -> HttpResponse:
    """Set today's numbers aside for the paper fallback and hand over the forms."""
    from siaga.incidents.actions import reserve_paper_numbers
    from siaga.incidents.paper import forms_pdf

    user = require(request.user, Can.OPERATE_SERVERS)
    try:
        count = int(request.POST.get("count", "30"))
        block = reserve_paper_numbers(day=timezone.localdate(), count=count, actor=user)
    except ValueError:
        messages.error(request, "Jumlah formulir tidak valid.")
        return redirect("cluster:servers")
    except ActionError as error:
        messages.error(request, error.message)
        return redirect("cluster:servers")
    response = HttpResponse(forms_pdf([block]), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="formulir-{block.numbers()[0]}.pdf"'
    )
    return response


@require_POST
def cancelling_drill(request: HttpRequest, drill_id: int) -> HttpResponse:
    user = require(request.user, Can.OPERATE_SERVERS)
    try:
        cancel_drill(get_object_or_404(Switchover, pk=drill_id), actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("cluster:servers")
