"""Contacts over the JSON API: record one (idempotent), list, read, classify."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from siaga.accounts.access import api_user
from siaga.accounts.roles import Can
from siaga.incidents.api import get_visible_incident, parse_uuid
from siaga.intake.actions import Fix, classify_contact, record_contact
from siaga.intake.models import Channel, Classification, Contact
from siaga.lib.fields import (
    Body,
    Code,
    Latitude,
    Longitude,
    LongText,
    Metres,
    Moment,
    PageQuery,
    ShortText,
    errors,
    paginate,
)

router = Router(tags=["contacts"])


class FixIn(Body):
    lat: Latitude
    lon: Longitude
    accuracy_m: Metres | None = None
    source: Code = "api"


class ContactIn(Body):
    channel: Channel
    sender: ShortText = ""
    display_name: ShortText = ""
    text: LongText = ""
    provider_id: ShortText = Field("", description="the provider's message or call id")
    received_at: Moment | None = None
    location: FixIn | None = None


class ContactOut(Schema):
    id: str
    channel: str
    provider_id: str
    sender: str
    caller: str | None
    text: str
    classification: str
    incident: str | None
    lat: float | None
    lon: float | None
    location_accuracy_m: int | None
    location_source: str
    received_at: datetime
    classified_at: datetime | None


class ContactPatch(Body):
    classification: Classification
    incident: Code | None = Field(None, description="number of the incident it reports")
    note: LongText = ""


class ContactFilter(PageQuery):
    channel: Channel | None = None
    classification: Classification | None = None


class ContactList(Schema):
    count: int
    items: list[ContactOut]


def contact_out(contact: Contact) -> dict[str, Any]:
    return {
        "id": str(contact.public_id),
        "channel": contact.channel,
        "provider_id": contact.provider_id,
        "sender": contact.sender_raw,
        "caller": contact.caller.identifier if contact.caller else None,
        "text": contact.text,
        "classification": contact.classification,
        "incident": contact.incident.number if contact.incident else None,
        "lat": contact.lat,
        "lon": contact.lon,
        "location_accuracy_m": contact.location_accuracy_m,
        "location_source": contact.location_source,
        "received_at": contact.received_at,
        "classified_at": contact.classified_at,
    }


def contacts() -> QuerySet[Contact]:
    return Contact.objects.select_related("caller", "incident")


def get_contact(contact_id: str) -> Contact:
    contact = contacts().filter(public_id=parse_uuid(contact_id, "id")).first()
    if contact is None:
        raise Http404(f"contact {contact_id} not found")
    return contact


@router.get(
    "/contacts",
    response={200: ContactList, **errors(403, 422)},
    summary="List contacts, newest first",
)
def list_contacts(
    request: HttpRequest, filters: Query[ContactFilter]
) -> dict[str, Any]:
    api_user(request, Can.VIEW_CONTACTS)
    found = contacts()
    if filters.channel:
        found = found.filter(channel=filters.channel)
    if filters.classification:
        found = found.filter(classification=filters.classification)
    return paginate(found, filters, contact_out)


@router.post(
    "/contacts",
    response={200: ContactOut, 201: ContactOut, **errors(403, 413, 422)},
    summary="Record a contact (201); a repeated provider_id returns the first (200)",
)
def create_contact(request: HttpRequest, payload: ContactIn) -> Status[dict[str, Any]]:
    user = api_user(request, Can.WRITE_CONTACTS)
    fix = payload.location
    contact, created = record_contact(
        channel=payload.channel,
        sender=payload.sender,
        display_name=payload.display_name,
        text=payload.text,
        provider_id=payload.provider_id,
        raw_payload=request.body.decode("utf-8", errors="replace"),
        received_at=payload.received_at,
        fix=Fix(fix.lat, fix.lon, fix.accuracy_m, fix.source) if fix else None,
        actor=user,
    )
    return Status(
        201 if created else 200, contact_out(get_contact(str(contact.public_id)))
    )


@router.get(
    "/contacts/{contact_id}",
    response={200: ContactOut, **errors(403, 404, 422)},
    summary="Read one contact",
)
def read_contact(request: HttpRequest, contact_id: str) -> dict[str, Any]:
    api_user(request, Can.VIEW_CONTACTS)
    return contact_out(get_contact(contact_id))


@router.patch(
    "/contacts/{contact_id}",
    response={200: ContactOut, **errors(403, 404, 409, 413, 422)},
    summary="Classify a contact",
)
def patch_contact(
    request: HttpRequest, contact_id: str, payload: ContactPatch
) -> dict[str, Any]:
    user = api_user(request, Can.WRITE_CONTACTS)
    contact = get_contact(contact_id)
    incident = (
        get_visible_incident(user, payload.incident) if payload.incident else None
    )
    classify_contact(
        contact,
        classification=payload.classification,
        incident=incident,
        note=payload.note,
        actor=user,
    )
    return contact_out(get_contact(contact_id))
