"""Shift pages: who is on duty, check in and out, hand over and confirm (`/giliran/`);
the rota and everyone's workload for the supervisor."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from siaga.accounts.access import require
from siaga.accounts.models import User
from siaga.accounts.roles import Can
from siaga.lib.errors import ActionError
from siaga.lib.fields import WIB
from siaga.shifts.actions import (
    check_in,
    check_out,
    confirm_handover,
    hand_over,
    plan_duty,
)
from siaga.shifts.handover import open_items
from siaga.shifts.models import Duty, Handover, ShiftPattern
from siaga.shifts.workload import workloads
from siaga.stats.views import chosen_period

ROTA_DAYS = 7


def at_my_desk(user: User, prefix: str = "") -> Q:
    """Colleagues who take over from each other: the same role (and agency)."""
    return Q(**{f"{prefix}role": user.role, f"{prefix}agency": user.agency_id})


def waiting_for(user: User) -> list[Handover]:
    """Handovers this user may confirm: named to them, or to their desk."""
    unconfirmed = Handover.objects.filter(confirmed_at__isnull=True).exclude(
        outgoing=user
    )
    mine = unconfirmed.filter(at_my_desk(user, "outgoing__"))
    return [
        h for h in mine.select_related("outgoing") if h.incoming_id in (None, user.pk)
    ]


@require_GET
def duty_page(request: HttpRequest) -> HttpResponse:
    user = require(request.user, Can.KEEP_SHIFTS)
    on_duty = Duty.objects.on_duty().select_related("user__agency")
    mine = on_duty.filter(user=user).first()
    context = {
        "on_duty": on_duty,
        "mine": mine,
        "items": open_items(user) if mine else None,
        "colleagues": User.objects.filter(at_my_desk(user), is_active=True)
        .exclude(pk=user.pk)
        .order_by("username"),
        "waiting": waiting_for(user),
        "recent": Handover.objects.filter(
            at_my_desk(user, "outgoing__")
        ).select_related("outgoing", "incoming", "confirmed_by")[:10],
    }
    return render(request, "shifts/duty.html", context)


@require_POST
def checking_in(request: HttpRequest) -> HttpResponse:
    user = require(request.user, Can.KEEP_SHIFTS)
    try:
        check_in(user, actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("shifts:duty")


@require_POST
def checking_out(request: HttpRequest) -> HttpResponse:
    user = require(request.user, Can.KEEP_SHIFTS)
    try:
        check_out(user, actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("shifts:duty")


@require_POST
def handing_over(request: HttpRequest) -> HttpResponse:
    user = require(request.user, Can.KEEP_SHIFTS)
    incoming = User.objects.filter(
        username=request.POST.get("incoming", "")[:150], is_active=True
    ).first()
    try:
        hand_over(
            user, incoming=incoming, notes=request.POST.get("notes", ""), actor=user
        )
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("shifts:duty")


@require_POST
def confirming(request: HttpRequest, handover_id: int) -> HttpResponse:
    user = require(request.user, Can.KEEP_SHIFTS)
    handover = get_object_or_404(Handover, pk=handover_id)
    try:
        confirm_handover(handover, user=user)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("shifts:duty")


@require_GET
def rota(request: HttpRequest) -> HttpResponse:
    """The next ROTA_DAYS days: each role's shifts and who is on them."""
    require(request.user, Can.PLAN_ROTA)
    today = timezone.now().astimezone(WIB).date()
    days = [today + timedelta(days=n) for n in range(ROTA_DAYS)]
    planned = Duty.objects.filter(
        starts_at__gte=timezone.now() - timedelta(days=1),
        starts_at__lt=timezone.now() + timedelta(days=ROTA_DAYS + 1),
    ).select_related("user")
    by_start: dict[tuple[str, object], list[Duty]] = {}
    for duty in planned:
        by_start.setdefault((duty.user.role, duty.starts_at), []).append(duty)
    table = [
        {
            "pattern": pattern,
            "people": User.objects.filter(role=pattern.role, is_active=True),
            "slots": [
                (slot, by_start.get((pattern.role, slot.starts_at), []))
                for day in days
                for slot in (
                    pattern.slot(day, i) for i in range(len(pattern.start_times()))
                )
            ],
        }
        for pattern in ShiftPattern.objects.order_by("role")
    ]
    return render(request, "shifts/rota.html", {"table": table})


@require_POST
def planning(request: HttpRequest) -> HttpResponse:
    actor = require(request.user, Can.PLAN_ROTA)
    user = User.objects.filter(username=request.POST.get("user", "")[:150]).first()
    try:
        day = date.fromisoformat(request.POST.get("day", "")[:10])
        index = int(request.POST.get("index", "")[:3])
    except ValueError:
        messages.error(request, "choose a day and a shift")
        return redirect("shifts:rota")
    try:
        if user is None:
            raise ActionError("choose who", field="user")
        plan_duty(user, day=day, index=index, actor=actor)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("shifts:rota")


@require_GET
def workload(request: HttpRequest) -> HttpResponse:
    require(request.user, Can.PLAN_ROTA)
    period = chosen_period(request)
    context = {"period": period, "rows": workloads(period)}
    return render(request, "shifts/workload.html", context)
