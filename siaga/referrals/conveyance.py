"""Referrals over HTTPS between centres, after NENA-STA-024's push messages
(standards.md §2.4): our partner POSTs `{"requestForService": {"requestId", "eido"}}`
to `/api/v1/eido/requests` and later gets `{"response": {"requestId", "responseCode",
"responseText"}}` at `/api/v1/eido/responses`; we do the same to it. Codes read as in
the standard's SIP-like list: 180/182 received and queued, 200 accepted, 603 declined,
400/403/404/488 refused. Each partner has its own token both ways.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse

from siaga.accounts.models import User
from siaga.incidents.eido import (
    EidoError,
    RequestedIncident,
    incident_to_eido,
    incident_type_for,
    parse_requested_incident,
)
from siaga.incidents.models import Category
from siaga.intake.actions import Fix
from siaga.lib.errors import Unreadable
from siaga.lib.fields import parse_json
from siaga.lib.http import ProviderError, post_json
from siaga.lib.leases import claim
from siaga.referrals.actions import (
    answer_referral,
    receive_referral,
    record_delivery,
)
from siaga.referrals.models import Direction, Referral, ReferralPartner, ReferralStatus

R = ReferralStatus
QUEUED, ACCEPTED, DECLINED = 182, 200, 603
STATUS_OF_CODE = {
    180: R.ACKNOWLEDGED,
    182: R.ACKNOWLEDGED,
    200: R.ACCEPTED,
    603: R.DECLINED,
}
# The schema's own misspellings, accepted beside the right names (standards.md §2.4).
AWARENESS = ("requestAwareness", "requestAwarenes")
CANCEL = ("cancelRequest", "cancelREequest")


def answer(request_id: str, code: int, text: str, status: int = 200) -> JsonResponse:
    """The STA-024 reply, with an HTTP status that says the same."""
    body = {
        "response": {
            "requestId": request_id,
            "responseCode": code,
            "responseText": text,
        }
    }
    return JsonResponse(body, status=status)


def partner_of(user: User | None) -> ReferralPartner | None:
    if user is None:
        return None
    return (
        ReferralPartner.objects.select_related("neighbour").filter(account=user).first()
    )


def read_message(request: HttpRequest) -> dict[str, Any]:
    try:
        message = parse_json(request.body.decode("utf-8", errors="replace"))
    except Unreadable as error:
        raise EidoError(error.message) from None
    if not isinstance(message, dict):
        raise EidoError("the message is not a JSON object")
    return message


def category_for(requested: RequestedIncident) -> str:
    """Our category: the partner's internal code when it is ours (another Siaga112),
    else the first of ours on the same common incident type, else `lainnya`."""
    active = Category.objects.filter(is_active=True)
    if requested.category_code and active.filter(code=requested.category_code).exists():
        return requested.category_code
    for category in active:
        if (
            requested.incident_type
            and incident_type_for(category) == requested.incident_type
        ):
            return category.code
    return "lainnya"


def fix_of(requested: RequestedIncident) -> Fix | None:
    """Their location, if it is a real point; a silly radius is dropped, not kept."""
    lat, lon, radius = requested.lat, requested.lon, requested.uncertainty_m
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    sane = radius is not None and math.isfinite(radius) and 0 <= radius <= 1_000_000
    return Fix(lat, lon, round(radius) if sane and radius else None, "eido")


def take_request(partner: ReferralPartner, message: dict[str, Any]) -> JsonResponse:
    """A requestForService: queued on our call floor (182), or refused (400)."""
    wrapped = message.get("requestForService")
    request_id = str(wrapped.get("requestId", "")) if isinstance(wrapped, dict) else ""
    if not request_id:
        return answer("", 400, "requestForService needs a requestId", 400)
    try:
        requested = parse_requested_incident(message)
    except EidoError as error:
        return answer(request_id, 400, str(error), 400)
    receive_referral(
        partner,
        request_id=request_id[:200],
        summary=requested.description or requested.incident_type,
        raw=json.dumps(message, ensure_ascii=False)[:1_000_000],
        fix=fix_of(requested),
        address=requested.address,
        callback_number=requested.callback_number,
        remote_incident_id=requested.incident_id,
        category_code=category_for(requested),
        actor=partner.account,
    )
    return answer(request_id, QUEUED, "queued for acceptance by the call floor")


def take_cancel(partner: ReferralPartner, message: dict[str, Any]) -> JsonResponse:
    body: dict[str, Any] = next(
        (message[k] for k in CANCEL if isinstance(message.get(k), dict)), {}
    )
    request_id = str(body.get("requestId", ""))
    referral = Referral.objects.filter(
        neighbour=partner.neighbour, direction=Direction.IN, request_id=request_id
    ).first()
    if referral is None:
        return answer(request_id, 404, "no such request", 404)
    if referral.status in {R.ACKNOWLEDGED, R.SENT, R.TIMED_OUT}:
        answer_referral(referral, status=R.CANCELLED, actor=partner.account)
    return answer(request_id, ACCEPTED, "cancelled")


def take_response(partner: ReferralPartner, message: dict[str, Any]) -> JsonResponse:
    """Their answer to our request: acknowledged, accepted or declined."""
    body = message.get("response")
    if not isinstance(body, dict):
        return answer("", 400, "a response message is expected", 400)
    request_id = str(body.get("requestId", ""))
    code = body.get("responseCode")
    referral = Referral.objects.filter(
        neighbour=partner.neighbour, direction=Direction.OUT, request_id=request_id
    ).first()
    if referral is None:
        return answer(request_id, 404, "no such request", 404)
    status = STATUS_OF_CODE.get(code) if isinstance(code, int) else None
    if status is None:
        status, reason = R.DECLINED, f"{code}: {body.get('responseText', '')}"
    else:
        reason = str(body.get("responseText", ""))[:2000] or str(code)
    if referral.status != status and status in _next(referral):
        answer_referral(
            referral,
            status=status,
            reason=reason,
            remote_incident_id=str(body.get("incidentId", ""))[:200],
            actor=partner.account,
        )
    return answer(request_id, ACCEPTED, "noted")


def _next(referral: Referral) -> frozenset[str]:
    from siaga.referrals.models import ALLOWED_TRANSITIONS

    return ALLOWED_TRANSITIONS[referral.status]


def deliver(referral: Referral) -> bool:
    """One try at what a partner is owed: our request (or its withdrawal), or our
    answer to theirs."""
    if not claim(referral, "delivery_due_at"):
        return False
    partner = ReferralPartner.objects.filter(neighbour=referral.neighbour).first()
    try:
        if partner is None or not partner.outbound_token:
            raise ProviderError(
                "no partner endpoint or token configured", permanent=True
            )
        if referral.direction == Direction.OUT and referral.status == R.CANCELLED:
            _post(
                partner,
                "/api/v1/eido/requests",
                {"cancelRequest": {"requestId": referral.request_id}},
            )
        elif referral.direction == Direction.OUT:
            _send_request(partner, referral)
        else:
            _send_answer(partner, referral)
    except ProviderError as error:
        record_delivery(referral, error=str(error), permanent=error.permanent)
        return False
    record_delivery(referral)
    return True


def _post(partner: ReferralPartner, path: str, body: dict[str, Any]) -> dict[str, Any]:
    return post_json(
        f"{partner.base_url.rstrip('/')}{path}",
        body,
        headers={"Authorization": f"Bearer {partner.outbound_token}"},
        timeout=settings.SIAGA_PROVIDER_TIMEOUT,
    )


def _send_request(partner: ReferralPartner, referral: Referral) -> None:
    assert referral.incident is not None  # an outgoing referral always has one
    reply = _post(
        partner,
        "/api/v1/eido/requests",
        {
            "requestForService": {
                "requestId": referral.request_id,
                "eido": incident_to_eido(referral.incident),
            }
        },
    )
    code = (
        reply.get("response", {}).get("responseCode")
        if isinstance(reply.get("response"), dict)
        else None
    )
    status = STATUS_OF_CODE.get(code) if isinstance(code, int) else None
    if status is not None and status in _next(referral) and status != referral.status:
        answer_referral(referral, status=status, reason=str(code), actor=None)


def _send_answer(partner: ReferralPartner, referral: Referral) -> None:
    accepted = referral.status == R.ACCEPTED
    number = referral.incident.number if referral.incident else ""
    text = f"accepted as {number}" if accepted else referral.reason or "declined"
    _post(
        partner,
        "/api/v1/eido/responses",
        {
            "response": {
                "requestId": referral.request_id,
                "responseCode": ACCEPTED if accepted else DECLINED,
                "responseText": text,
                "incidentId": number,
            }
        },
    )
