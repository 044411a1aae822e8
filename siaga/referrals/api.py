"""The referral API: refer an incident, list and answer referrals, export an incident
as EIDO, and the two STA-024 endpoints a partner centre posts to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from siaga.accounts.access import api_user
from siaga.accounts.roles import Can
from siaga.areas.models import Area, AreaKind
from siaga.incidents.eido import EidoError, incident_to_eido
from siaga.incidents.models import Incident
from siaga.lib.fields import Body, Code, LongText, ShortText, errors
from siaga.referrals import conveyance
from siaga.referrals.actions import accept_referral, decline_referral, refer_incident
from siaga.referrals.models import (
    Direction,
    Method,
    Referral,
    ReferralPartner,
    ReferralStatus,
)
from siaga.referrals.views import get_referral

router = Router(tags=["referrals"])


class ReferIn(Body):
    neighbour: Code = Field(description="the neighbouring area's code, e.g. 36.03")
    method: Method
    phone_number: ShortText = ""
    answered_by: ShortText = ""
    note: LongText = ""


class DeclineIn(Body):
    reason: LongText = Field(min_length=1)


class ReferralOut(Schema):
    id: str
    direction: str
    method: str
    neighbour: str
    status: str
    incident: str | None
    request_id: str
    remote_incident_id: str
    sent_at: datetime
    ack_deadline_at: datetime
    reason: str
    delivery_error: str


class ReferralFilter(Schema):
    direction: Direction | None = None
    status: ReferralStatus | None = None


class StaResponse(Schema):
    requestId: str  # noqa: N815 - the standard's own name
    responseCode: int  # noqa: N815
    responseText: str  # noqa: N815


class StaAnswer(Schema):
    response: StaResponse


def referral_out(referral: Referral) -> dict[str, Any]:
    return {
        "id": str(referral.public_id),
        "direction": referral.direction,
        "method": referral.method,
        "neighbour": referral.neighbour.code,
        "status": referral.status,
        "incident": referral.incident.number if referral.incident else None,
        "request_id": referral.request_id,
        "remote_incident_id": referral.remote_incident_id,
        "sent_at": referral.sent_at,
        "ack_deadline_at": referral.ack_deadline_at,
        "reason": referral.reason,
        "delivery_error": referral.delivery_error,
    }


def visible_incident(request: HttpRequest, number: str, can: Can) -> Incident:
    user = api_user(request, can)
    return get_object_or_404(Incident.objects.visible_to(user), number=number)


@router.get(
    "/incidents/{number}/eido",
    response={200: dict[str, Any], **errors(403, 404)},
    summary="The incident as a NENA EIDO 1.0 JSON document",
)
def incident_eido(request: HttpRequest, number: str) -> dict[str, Any]:
    # A referral document may carry a caller's number: the floor's, not a wallboard's.
    return incident_to_eido(visible_incident(request, number, Can.VIEW_CONTACTS))


@router.post(
    "/incidents/{number}/referrals",
    response={201: ReferralOut, **errors(403, 404, 409, 422)},
    summary="Refer an incident to a neighbouring 112 centre (phone or EIDO)",
)
def refer(
    request: HttpRequest, number: str, payload: ReferIn
) -> Status[dict[str, Any]]:
    incident = visible_incident(request, number, Can.WRITE_INCIDENTS)
    neighbour = get_object_or_404(
        Area.objects.filter(kind=AreaKind.NEIGHBOUR), code=payload.neighbour
    )
    referral = refer_incident(
        incident,
        neighbour=neighbour,
        method=payload.method,
        phone_number=payload.phone_number,
        answered_by=payload.answered_by,
        note=payload.note,
        actor=api_user(request, Can.WRITE_INCIDENTS),
    )
    return Status(201, referral_out(referral))


@router.get(
    "/referrals",
    response={200: list[ReferralOut], **errors(403, 422)},
    summary="Referrals both ways, newest first (at most 200)",
)
def list_referrals(
    request: HttpRequest, filters: Query[ReferralFilter]
) -> list[dict[str, Any]]:
    api_user(request, Can.WRITE_INCIDENTS)
    found = Referral.objects.select_related("neighbour", "incident")
    if filters.direction:
        found = found.filter(direction=filters.direction)
    if filters.status:
        found = found.filter(status=filters.status)
    return [referral_out(referral) for referral in found[:200]]


@router.post(
    "/referrals/{referral_id}/accept",
    response={200: ReferralOut, **errors(403, 404, 409)},
    summary="Accept a neighbour's referral: it becomes our incident",
)
def accept(request: HttpRequest, referral_id: str) -> dict[str, Any]:
    user = api_user(request, Can.WRITE_INCIDENTS)
    referral = get_referral(referral_id)
    accept_referral(referral, actor=user)
    referral.refresh_from_db()
    return referral_out(referral)


@router.post(
    "/referrals/{referral_id}/decline",
    response={200: ReferralOut, **errors(403, 404, 409, 422)},
    summary="Decline a neighbour's referral, with the reason they will be sent",
)
def decline(
    request: HttpRequest, referral_id: str, payload: DeclineIn
) -> dict[str, Any]:
    user = api_user(request, Can.WRITE_INCIDENTS)
    referral = decline_referral(
        get_referral(referral_id), reason=payload.reason, actor=user
    )
    return referral_out(referral)


STA_BODY = {
    "content": {"application/json": {"schema": {"type": "object"}}},
    "required": True,
}


def partner_message(
    request: HttpRequest,
) -> tuple[ReferralPartner, dict[str, Any]] | HttpResponse:
    """The calling partner and its message, or the answer that refuses them (403 for
    an account that is no partner, the STA-024 400 for an unreadable message)."""
    partner = conveyance.partner_of(api_user(request, Can.EXCHANGE_REFERRALS))
    if partner is None:
        raise PermissionDenied("not a referral partner")
    try:
        return partner, conveyance.read_message(request)
    except EidoError as error:
        return conveyance.answer("", 400, str(error), 400)


@router.post(
    "/eido/requests",
    response={200: StaAnswer, 400: StaAnswer, 404: StaAnswer, **errors(403, 413)},
    summary="A partner centre's requestForService (or cancelRequest) with an EIDO",
    openapi_extra={"requestBody": STA_BODY},
)
def eido_request(request: HttpRequest) -> HttpResponse:
    found = partner_message(request)
    if isinstance(found, HttpResponse):
        return found
    partner, message = found
    if any(isinstance(message.get(key), dict) for key in conveyance.CANCEL):
        return conveyance.take_cancel(partner, message)
    if any(isinstance(message.get(key), dict) for key in conveyance.AWARENESS):
        return conveyance.answer("", 200, "noted; awareness copies are not stored")
    return conveyance.take_request(partner, message)


@router.post(
    "/eido/responses",
    response={200: StaAnswer, 400: StaAnswer, 404: StaAnswer, **errors(403, 413)},
    summary="A partner centre's answer to our requestForService",
    openapi_extra={"requestBody": STA_BODY},
)
def eido_response(request: HttpRequest) -> HttpResponse:
    found = partner_message(request)
    if isinstance(found, HttpResponse):
        return found
    partner, message = found
    return conveyance.take_response(partner, message)
