"""Units on the consoles: the agency operator's unit buttons and free-ambulance trips,
and the crew's phone view (`/unit/`)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from siaga.accounts.access import require
from siaga.accounts.models import User
from siaga.accounts.roles import Can
from siaga.dispatching.views import back_to_console, console_agency, live_dispatch
from siaga.incidents.models import Incident
from siaga.lib.errors import ActionError
from siaga.lib.phone import national_format
from siaga.units.actions import (
    assign_unit,
    change_unit_status,
    crew_unit,
    plan_trip,
    record_handover,
)
from siaga.units.forms import TripForm
from siaga.units.models import AmbulanceTrip, Unit, next_statuses

# The agency console --------------------------------------------------------------


@require_POST
def assign(request: HttpRequest, call_sign: str) -> HttpResponse:
    """One click on a recommendation: send the unit to the incident."""
    user = require(request.user, Can.RESPOND_TO_DISPATCH)
    agency = console_agency(request, user)
    unit = get_object_or_404(Unit, agency=agency, call_sign=call_sign)
    dispatch = live_dispatch(agency, request.POST.get("incident", ""))
    try:
        assign_unit(unit, incident=dispatch.incident, actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    return back_to_console(user, agency)


def seen_status(request: HttpRequest) -> str | None:
    """The unit status the page showed when the button was tapped."""
    return request.POST.get("from") or None


@require_POST
def unit_status(request: HttpRequest, call_sign: str) -> HttpResponse:
    """A status button on the agency console's unit list."""
    user = require(request.user, Can.RESPOND_TO_DISPATCH)
    agency = console_agency(request, user)
    unit = get_object_or_404(Unit, agency=agency, call_sign=call_sign)
    try:
        status = request.POST.get("status", "")
        change_unit_status(
            unit, status=status, actor=user, expected=seen_status(request)
        )
    except ActionError as error:
        messages.error(request, error.message)
    return back_to_console(user, agency)


@require_POST
def trip(request: HttpRequest, number: str) -> HttpResponse:
    """Write down a free-ambulance trip from its dispatch card."""
    user = require(request.user, Can.RESPOND_TO_DISPATCH)
    agency = console_agency(request, user)
    incident = live_dispatch(agency, number).incident
    existing = AmbulanceTrip.objects.filter(incident=incident).first()
    form = TripForm(request.POST, instance=existing)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label or field}: {' '.join(map(str, errors))}")
        return back_to_console(user, agency)
    try:
        plan_trip(incident, actor=user, **form.cleaned_data)
    except ActionError as error:
        messages.error(request, error.message)
    return back_to_console(user, agency)


# The crew's phone ----------------------------------------------------------------


def crew_of(request: HttpRequest) -> User:
    return require(request.user, Can.CREW_UNIT)


def navigation_links(incident: Incident) -> dict[str, str]:
    """Turn-by-turn in the phone's own app: Google Maps, or any app through geo:."""
    if incident.lat is None or incident.lon is None:
        return {}
    where = f"{incident.lat:.6f},{incident.lon:.6f}"
    google = "https://www.google.com/maps/dir/?" + urlencode(
        {"api": 1, "destination": where, "travelmode": "driving"}
    )
    return {"google": google, "geo": f"geo:{where}?q={where}"}


def assignment(unit: Unit) -> dict[str, object]:
    incident = unit.incident
    if incident is None:
        return {}
    callers = []
    if incident.category.shares_caller_number:  # the ambulance calls the family
        callers = [
            national_format(c.caller.identifier)
            for c in incident.contacts.select_related("caller")
            if c.caller
        ]
    return {
        "incident": incident,
        "navigation": navigation_links(incident),
        "callers": callers,
        "trip": AmbulanceTrip.objects.filter(incident=incident, unit=unit)
        .select_related("destination")
        .first(),
    }


@require_GET
def crew_home(request: HttpRequest) -> HttpResponse:
    user = crew_of(request)
    unit = crews_unit(user)
    if unit is None:
        units = Unit.objects.filter(agency=user.agency, is_active=True)
        return render(request, "units/choose.html", {"units": units})
    context = {"unit": unit, "answers": next_statuses(unit)} | assignment(unit)
    return render(request, "units/crew.html", context)


@require_POST
def crew_sign_on(request: HttpRequest) -> HttpResponse:
    user = crew_of(request)
    unit = Unit.objects.filter(
        agency=user.agency, is_active=True, call_sign=request.POST.get("unit", "")
    ).first()
    if unit is None:
        raise Http404("no such unit in your agency")
    try:
        crew_unit(user, unit, actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("units:crew")


@require_POST
def crew_sign_off(request: HttpRequest) -> HttpResponse:
    user = crew_of(request)
    crew_unit(user, None, actor=user)
    return redirect("units:crew")


def crews_unit(user: User) -> Unit | None:
    """The crew's unit, looked up again: it may have been retired or moved since."""
    if user.unit_id is None:
        return None
    units = Unit.objects.filter(agency=user.agency_id, is_active=True)
    return units.select_related("incident__category").filter(pk=user.unit_id).first()


def crewed_unit(user: User) -> Unit:
    found = crews_unit(user)
    if found is None:
        raise Http404("sign on to a unit first")
    return found


@require_POST
def crew_status(request: HttpRequest) -> HttpResponse:
    user = crew_of(request)
    unit = crewed_unit(user)
    try:
        status = request.POST.get("status", "")
        change_unit_status(
            unit, status=status, actor=user, expected=seen_status(request)
        )
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("units:crew")


@require_POST
def crew_handover(request: HttpRequest) -> HttpResponse:
    user = crew_of(request)
    unit = crewed_unit(user)
    found = AmbulanceTrip.objects.filter(unit=unit, incident=unit.incident).first()
    if found is None or unit.incident is None:
        raise Http404("no trip for this unit now")
    try:
        received_by = request.POST.get("received_by", "")
        record_handover(found, received_by=received_by, actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("units:crew")
