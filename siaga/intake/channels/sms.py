"""SMS gateway webhook `POST /hooks/sms`, and Advanced Mobile Location SMS inside it.

Gateways differ; this one takes JSON or a form with the same fields. An AML SMS (the
handset's own location, `A"ML=1;…`, or a 7-bit data SMS carrying one) becomes an `aml`
contact with its fix; a broken one is still kept, with the reason it could not be read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from siaga.accounts.access import api_user
from siaga.accounts.roles import Can
from siaga.intake.actions import Fix, record_contact
from siaga.intake.models import Channel, Contact
from siaga.lib.aml import AmlFix, is_aml_sms, parse_aml_sms, unpack_7bit
from siaga.lib.fields import (
    Body,
    LongText,
    Moment,
    ShortText,
    errors,
    parse_json,
    validated,
)

router = Router(tags=["hooks"])


class SmsIn(Body):
    """One inbound SMS as a gateway reports it (JSON, or a form with these fields)."""

    sender: ShortText = Field(min_length=1, alias="from", description="the MSISDN")
    text: LongText = ""
    data_hex: str = Field(
        "", max_length=400, pattern="^[0-9A-Fa-f]*$", description="a binary data SMS"
    )
    id: ShortText = Field("", description="the gateway's message id (idempotency)")
    received_at: Moment | None = None


class SmsOut(Schema):
    contact: str
    channel: str
    duplicate: bool
    note: str


SMS_BODY = {
    "content": {
        media: {"schema": {"$ref": "#/components/schemas/SmsIn"}}
        for media in ("application/json", "application/x-www-form-urlencoded")
    },
    "required": True,
}


def read_sms(request: HttpRequest) -> SmsIn:
    """JSON or form, validated by the same schema."""
    raw = request.body.decode("utf-8", errors="replace")
    if request.content_type == "application/x-www-form-urlencoded":
        data: Any = dict(parse_qsl(raw, keep_blank_values=True))
    else:
        data = parse_json(raw, "the body (JSON, or send a form)")
    return validated(SmsIn, data)


def aml_fields(text: str) -> tuple[str, Fix | None, str]:
    """(channel, fix, note) for an SMS text: AML with a fix, AML without, plain SMS."""
    if not is_aml_sms(text):
        return Channel.SMS, None, ""
    found = parse_aml_sms(text)
    if not isinstance(found, AmlFix):
        return Channel.AML, None, f"AML tidak terbaca: {found.reason}"
    if not found.has_location:
        return Channel.AML, None, "AML tanpa lokasi"
    return Channel.AML, fix_from_aml(found), "; ".join(found.notes)


def fix_from_aml(found: AmlFix) -> Fix | None:
    """The contact's location from an AML fix; an absurd radius is dropped."""
    if found.lat is None or found.lon is None:
        return None
    radius = found.radius_m
    accuracy = (
        round(radius) if radius is not None and 0 <= radius <= 1_000_000 else None
    )
    return Fix(found.lat, found.lon, accuracy, f"aml-{found.method[:20]}")


@router.post(
    "/sms",
    response={200: SmsOut, 201: SmsOut, **errors(403, 413, 422)},
    summary="An inbound SMS from the gateway (AML location SMS recognised)",
    openapi_extra={"requestBody": SMS_BODY},
)
def sms(request: HttpRequest) -> Status[dict[str, Any]]:
    user = api_user(request, Can.SUBMIT_REPORTS)
    message = read_sms(request)
    text = message.text or (unpack_7bit(message.data_hex) if message.data_hex else "")
    channel, fix, note = aml_fields(text)
    contact, created = record_contact(
        channel=channel,
        sender=message.sender,
        text=text.replace("\x00", ""),
        provider_id=message.id,
        raw_payload=request.body.decode("utf-8", errors="replace"),
        received_at=message.received_at,
        fix=fix,
        note=note,
        reply_to=message.sender if channel == Channel.SMS else "",
        actor=user,
    )
    return Status(201 if created else 200, sms_out(contact, created))


def sms_out(contact: Contact, created: bool) -> dict[str, Any]:
    return {
        "contact": str(contact.public_id),
        "channel": contact.channel,
        "duplicate": not created,
        "note": contact.note,
    }
