"""Webhooks from the outside world into the intake. First: the city's PBX (CTI).

The payload is documented in the OpenAPI document and in docs/telephony.md.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from siaga.accounts.access import api_user
from siaga.accounts.roles import Can
from siaga.intake.actions import record_call_event
from siaga.lib.fields import Body, Moment, ShortText, errors

router = Router(tags=["hooks"])


class CallEventIn(Body):
    """One call event as the PBX sends it."""

    call_id: ShortText = Field(
        min_length=1, description="the PBX's id of the call (Asterisk: the uniqueid)"
    )
    event: Literal["ringing", "answered", "ended", "abandoned"]
    caller_id: ShortText = Field(
        "",
        description="as the PBX has it: `tel:+62…`, `sip:0812…@host`, `0812-…`, or "
        "empty/`anonymous` when withheld",
    )
    extension: ShortText = Field("", description="the answering operator's extension")
    at: Moment | None = Field(
        None,
        description="when it happened at the PBX (ISO 8601 with offset); default now",
    )


class CallEventOut(Schema):
    contact: str
    call_state: str
    duplicate: bool


@router.post(
    "/telephony",
    response={200: CallEventOut, 201: CallEventOut, **errors(403, 413, 422)},
    summary="A call event from the PBX (201 new, 200 a repeat of one already applied)",
)
def telephony(request: HttpRequest, payload: CallEventIn) -> Status[dict[str, Any]]:
    user = api_user(request, Can.SUBMIT_REPORTS)
    at = payload.at or timezone.now()  # without an offset, Moment reads WIB
    event, created = record_call_event(
        call_id=payload.call_id,
        event=payload.event,
        caller_id=payload.caller_id,
        extension=payload.extension,
        occurred_at=at,
        raw_payload=request.body.decode("utf-8", errors="replace"),
        actor=user,
    )
    body = {
        "contact": str(event.contact.public_id),
        "call_state": event.contact.call_state,
        "duplicate": not created,
    }
    return Status(201 if created else 200, body)
