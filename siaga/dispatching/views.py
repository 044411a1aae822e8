"""The agency console: this agency's dispatches, live, with the answers it can give."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from siaga.accounts.access import require
from siaga.accounts.models import User
from siaga.accounts.roles import Can
from siaga.agencies.models import Agency
from siaga.dispatching.actions import request_assistance, respond_to_dispatch
from siaga.dispatching.models import ALLOWED_TRANSITIONS, ENDED_STATUSES, Dispatch
from siaga.incidents.models import Incident
from siaga.lib.errors import ActionError, InvalidInput
from siaga.lib.phone import mask, national_format
from siaga.units.forms import TripForm
from siaga.units.models import AmbulanceTrip, Unit, next_statuses
from siaga.units.recommend import recommend

RECENTLY_ENDED = timedelta(hours=12)


def console_agency(request: HttpRequest, user: User) -> Agency:
    """An agency operator's own agency; an admin may look at any with ?opd=CODE."""
    if user.agency is not None:
        return user.agency
    agency = Agency.objects.filter(code=request.GET.get("opd", "")).first()
    if agency is None:
        raise Http404("choose an agency with ?opd=CODE")
    return agency


def agency_dispatches(agency: Agency) -> QuerySet[Dispatch]:
    """Live dispatches first (unacknowledged on top), then those ended recently."""
    since = timezone.now() - RECENTLY_ENDED
    return (
        Dispatch.objects.filter(agency=agency)
        .filter(~Q(status__in=ENDED_STATUSES) | Q(ended_at__gte=since))
        .select_related(
            "incident__category", "incident__kelurahan", "incident__kecamatan"
        )
        .select_related("incident__landmark", "agency")
        .prefetch_related("incident__contacts__caller")
        .order_by("ended_at", "-sent_at")
    )


def cards(agency: Agency, units: list[Unit]) -> list[dict[str, object]]:
    """Each dispatch with its answers, its callers, the agency's units on it, the
    nearest available ones to send (live dispatches) and its free-ambulance trip."""
    found = []
    for dispatch in agency_dispatches(agency)[:100]:
        incident = dispatch.incident
        live = dispatch.status not in ENDED_STATUSES
        found.append(
            {
                "dispatch": dispatch,
                "answers": sorted(ALLOWED_TRANSITIONS[dispatch.status] - {"cancelled"}),
                "callers": callers_for_agency(incident),
                "units": [u for u in units if u.incident_id == incident.pk],
                "recommendations": recommend(incident, agency.pk, limit=3)
                if live
                else [],
                "trip_form": trip_form(incident) if live else None,
            }
        )
    return found


def trip_form(incident: Incident) -> TripForm | None:
    """The free-ambulance trip's form, for a patient-transport incident."""
    if not incident.category.patient_transport:
        return None
    trip = AmbulanceTrip.objects.filter(incident=incident).first()
    return TripForm(instance=trip, auto_id=f"trip-{incident.number}-%s")


def agency_units(agency: Agency) -> list[Unit]:
    units = Unit.objects.filter(agency=agency, is_active=True)
    return list(units.select_related("incident", "station"))


def callers_for_agency(incident: Incident) -> list[str]:
    """Masked, unless the category needs the agency to call the caller (ambulance)."""
    shown = national_format if incident.category.shares_caller_number else mask
    return [shown(c.caller.identifier) for c in incident.contacts.all() if c.caller]


@require_GET
def console(request: HttpRequest) -> HttpResponse:
    user = require(request.user, Can.RESPOND_TO_DISPATCH)
    agency = console_agency(request, user)
    others = Agency.objects.active().exclude(pk=agency.pk)
    units = agency_units(agency)
    context = {
        "agency": agency,
        "cards": cards(agency, units),
        "other_agencies": others,
        "units": [(unit, next_statuses(unit)) for unit in units],
    }
    return render(request, "dispatching/console.html", context)


def live_dispatch(agency: Agency, number: str) -> Dispatch:
    dispatch = (
        Dispatch.objects.live()
        .filter(agency=agency, incident__number=number)
        .select_related("incident", "agency")
        .first()
    )
    if dispatch is None:
        raise Http404("no live dispatch of that incident to this agency")
    return dispatch


def back_to_console(user: User, agency: Agency) -> HttpResponse:
    suffix = f"?opd={agency.code}" if user.agency is None else ""
    return redirect(f"/opd/{suffix}")


@require_POST
def assistance(request: HttpRequest, number: str) -> HttpResponse:
    user = require(request.user, Can.RESPOND_TO_DISPATCH)
    agency = console_agency(request, user)
    dispatch = live_dispatch(agency, number)
    wanted = Agency.objects.active().filter(code=request.POST.get("agency", "")).first()
    try:
        if wanted is None:
            raise InvalidInput("choose the agency to ask for", field="agency")
        note = request.POST.get("note", "")[:300]
        request_assistance(dispatch, agency=wanted, note=note, actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    return back_to_console(user, agency)


@require_POST
def respond(request: HttpRequest, number: str) -> HttpResponse:
    user = require(request.user, Can.RESPOND_TO_DISPATCH)
    agency = console_agency(request, user)
    dispatch = live_dispatch(agency, number)
    try:
        respond_to_dispatch(
            dispatch,
            status=request.POST.get("status", ""),
            note=request.POST.get("note", "")[:300],
            actor=user,
        )
    except ActionError as error:
        messages.error(request, error.message)
    return back_to_console(user, agency)
