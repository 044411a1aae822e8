"""Dispatches over the JSON API: send an incident
to an agency; the agency acknowledges."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Status

from siaga.accounts.access import api_user
from siaga.accounts.models import User
from siaga.accounts.roles import Can
from siaga.dispatching.actions import acknowledge_dispatch, dispatch_incident
from siaga.dispatching.models import Dispatch
from siaga.incidents.api import (
    IncidentOut,
    agencies_by_code,
    get_visible_incident,
    incident_out,
)
from siaga.lib.fields import Body, Code, errors

router = Router(tags=["dispatches"])


class DispatchIn(Body):
    agency: Code


def live_dispatch(user: User, number: str, agency_code: str) -> Dispatch:
    """The live dispatch of a visible incident to an agency;
    an agency operator may only reach its own agency's."""
    incident = get_visible_incident(user, number)
    if user.is_agency_operator and user.agency.code != agency_code:  # type: ignore[union-attr]
        raise Http404(f"no dispatch of {number} to {agency_code}")
    dispatch = (
        incident.dispatches.live()
        .filter(agency__code=agency_code)
        .select_related("incident", "agency")
        .first()
    )
    if dispatch is None:
        raise Http404(f"no dispatch of {number} to {agency_code}")
    return dispatch


@router.post(
    "/incidents/{number}/dispatches",
    response={201: IncidentOut, **errors(403, 404, 409, 422)},
    summary="Dispatch an incident to an agency",
)
def create_dispatch(
    request: HttpRequest, number: str, payload: DispatchIn
) -> Status[dict[str, Any]]:
    user = api_user(request, Can.DISPATCH)
    incident = get_visible_incident(user, number)
    dispatch_incident(
        incident, agency=agencies_by_code([payload.agency])[0], actor=user
    )
    return Status(201, incident_out(get_visible_incident(user, number)))


@router.post(
    "/incidents/{number}/dispatches/{agency}/acknowledge",
    response={200: IncidentOut, **errors(403, 404, 409)},
    summary="The agency acknowledges its dispatch",
)
def acknowledge(request: HttpRequest, number: str, agency: str) -> dict[str, Any]:
    user = api_user(request, Can.RESPOND_TO_DISPATCH)
    acknowledge_dispatch(live_dispatch(user, number, agency), actor=user)
    return incident_out(get_visible_incident(user, number))
