"""The city app: `POST /api/v1/reports`, a resident's report with GPS, photo and
category, sent by the app's server with an integration token.

JSON, or multipart with the same JSON in a `report` field and the photo as a `photo`
file (so a photo need not be base64 inside the JSON). `report_id` makes a retry return
the first report. The answer carries the resident's tracking code and link.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from siaga.accounts.access import api_user
from siaga.accounts.roles import Can
from siaga.incidents.models import Category
from siaga.intake.actions import Fix, MediaRef, record_contact
from siaga.intake.actions.outbox import new_tracking_code, tracking_url
from siaga.intake.models import Channel, Contact
from siaga.intake.reports import check_report_limits, photo_ref, read_upload
from siaga.lib.errors import InvalidInput
from siaga.lib.fields import (
    Body,
    Code,
    Latitude,
    Longitude,
    LongText,
    Metres,
    Moment,
    ShortText,
    errors,
    parse_json,
    validated,
)

router = Router(tags=["reports"])


class ReporterIn(Body):
    id: ShortText = Field(min_length=1, description="the resident's id in the app")
    phone: ShortText = Field("", description="their number, if they gave it")
    name: ShortText = ""


class GpsIn(Body):
    lat: Latitude
    lon: Longitude
    accuracy_m: Metres | None = Field(None, description="the handset's stated accuracy")


class AppReportIn(Body):
    report_id: ShortText = Field(min_length=1, description="the app's id (idempotency)")
    reporter: ReporterIn
    category: Code | None = Field(None, description="a code from /api/v1/categories")
    text: LongText = ""
    address: ShortText = ""
    location: GpsIn | None = None
    sent_at: Moment | None = None
    photo_base64: str = Field(
        "",
        max_length=1_400_000,
        description="a small photo inside the JSON (the whole body must fit "
        "SIAGA_MAX_BODY_BYTES, 1 MiB by default); larger ones go as multipart `photo`",
    )


class AppReportOut(Schema):
    contact: str
    tracking_code: str
    tracking_url: str
    duplicate: bool


REPORT_BODY = {
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/AppReportIn"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["report"],
                "properties": {
                    "report": {"type": "string", "description": "AppReportIn as JSON"},
                    "photo": {"type": "string", "format": "binary"},
                },
            }
        },
    },
    "required": True,
}


def read_report(request: HttpRequest) -> tuple[AppReportIn, bytes | None, str]:
    """The report, its photo, and the raw JSON to keep (a base64 photo is kept as the
    media it becomes, not twice)."""
    if request.content_type == "multipart/form-data":
        raw = request.POST.get("report", "")
        upload = request.FILES.get("photo")
        photo = read_upload(upload) if upload is not None else None
    else:
        raw, photo = request.body.decode("utf-8", errors="replace"), None
    data: Any = parse_json(raw, "the report")
    report = validated(AppReportIn, data)
    if report.photo_base64:
        try:
            photo = base64.b64decode(report.photo_base64, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput(
                "photo_base64 is not base64", field="photo_base64"
            ) from None
        raw = json.dumps(data | {"photo_base64": "[disimpan sebagai media]"})
    return report, photo, raw


def category_of(code: str | None) -> Category | None:
    if code is None:
        return None
    found = Category.objects.filter(code=code, is_active=True).first()
    if found is None:
        raise InvalidInput(f"unknown category {code!r}", field="category")
    return found


@router.post(
    "/reports",
    response={200: AppReportOut, 201: AppReportOut, **errors(403, 413, 422, 429)},
    summary="A resident's report from the city app (GPS, photo, category)",
    openapi_extra={"requestBody": REPORT_BODY},
)
def app_report(request: HttpRequest) -> Status[dict[str, Any]]:
    user = api_user(request, Can.SUBMIT_REPORTS)
    report, photo, raw = read_report(request)
    sender = report.reporter.phone or report.reporter.id
    # The app's own ids: two integrations may reuse one for different reports.
    provider_id = f"{user.pk}:{report.report_id}"[:200]
    existing = Contact.objects.filter(channel=Channel.APP, provider_id=provider_id)
    if not existing.exists():
        check_report_limits(channel=Channel.APP, sender=sender, address=None)
    media: tuple[MediaRef, ...] = (photo_ref(photo),) if photo else ()
    where = report.location
    contact, created = record_contact(
        channel=Channel.APP,
        sender=sender,
        display_name=report.reporter.name,
        text=report.text,
        provider_id=provider_id,
        raw_payload=raw.replace("\x00", ""),
        received_at=report.sent_at,
        fix=Fix(where.lat, where.lon, where.accuracy_m, "app-gps") if where else None,
        note=report.address,
        media=media,
        tracking_code=new_tracking_code(),
        category_hint=category_of(report.category),
        actor=user,
    )
    return Status(
        201 if created else 200,
        {
            "contact": str(contact.public_id),
            "tracking_code": contact.tracking_code,
            "tracking_url": tracking_url(contact.tracking_code),
            "duplicate": not created,
        },
    )
