"""Public alerts over the JSON API, and each alert as CAP 1.2 XML for anyone."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import AfterValidator

from siaga.accounts.access import api_user
from siaga.accounts.roles import Can
from siaga.alerts.actions import (
    AlertInfo,
    Circle,
    Where,
    cancel_alert,
    issue_alert,
    update_alert,
)
from siaga.alerts.cap import CAP_CONTENT_TYPE, cap_url, render_cap
from siaga.alerts.models import (
    ISSUE_ALERTS,
    Alert,
    AlertCategory,
    AlertQuerySet,
    AlertStatus,
    Certainty,
    ResponseType,
    Severity,
    Urgency,
)
from siaga.areas.models import Area
from siaga.lib.errors import InvalidInput
from siaga.lib.fields import (
    Body,
    Code,
    Latitude,
    Longitude,
    LongText,
    Moment,
    PageQuery,
    ShortText,
    errors,
    no_nul,
    paginate,
)

router = Router(tags=["alerts"])

Event = Annotated[str, Field(min_length=1, max_length=100), AfterValidator(no_nul)]
Headline = Annotated[str, Field(min_length=1, max_length=160), AfterValidator(no_nul)]
OptionalEvent = Annotated[str, Field(max_length=100), AfterValidator(no_nul)]
OptionalHeadline = Annotated[str, Field(max_length=160), AfterValidator(no_nul)]
CAP_DOC = {
    "responses": {
        "200": {
            "description": "the alert as an OASIS CAP 1.2 document",
            "content": {CAP_CONTENT_TYPE: {"schema": {"type": "string"}}},
        }
    }
}


class CircleIn(Body):
    lat: Latitude
    lon: Longitude
    radius_km: float = Field(gt=0, le=100, allow_inf_nan=False)
    description: ShortText = ""


class AlertInfoIn(Body):
    """One alert's content; `*_en` is the optional English translation."""

    category: AlertCategory
    event: Event
    response_type: ResponseType | None = None
    urgency: Urgency
    severity: Severity
    certainty: Certainty
    headline: Headline
    description: LongText = ""
    instruction: LongText = ""
    effective: Moment | None = None
    onset: Moment | None = None
    expires: Moment
    web: ShortText = ""
    contact: ShortText = ""
    event_en: OptionalEvent = ""
    headline_en: OptionalHeadline = ""
    description_en: LongText = ""
    instruction_en: LongText = ""
    areas: list[Code] = Field(
        default_factory=list,
        max_length=50,
        description="codes of kecamatan or kelurahan (or the city) whose boundary "
        "the alert covers",
    )
    circles: list[CircleIn] = Field(default_factory=list, max_length=20)


class AlertIn(AlertInfoIn):
    status: AlertStatus = AlertStatus.ACTUAL


class AlertUpdateIn(AlertInfoIn):
    note: ShortText = ""


class CancelIn(Body):
    note: ShortText = ""


class AreaOut(Schema):
    description: str
    code: str
    polygons: list[str]
    circles: list[str]


class AlertOut(Schema):
    identifier: str
    sender: str
    sent_at: datetime
    status: str
    msg_type: str
    scope: str
    references: str
    note: str
    replaces: str | None
    replaced_by: str | None
    is_current: bool
    category: str
    event: str
    response_type: str
    urgency: str
    severity: str
    certainty: str
    headline: str
    description: str
    instruction: str
    event_en: str
    headline_en: str
    description_en: str
    instruction_en: str
    effective_at: datetime
    onset_at: datetime | None
    expires_at: datetime
    web: str
    contact: str
    areas: list[AreaOut]
    cap_url: str


class AlertList(Schema):
    count: int
    items: list[AlertOut]


class AlertFilter(PageQuery):
    current: bool | None = None
    status: AlertStatus | None = None


def alert_out(alert: Alert) -> dict[str, Any]:
    successor = getattr(alert, "successor", None)
    return {
        name: getattr(alert, name)
        for name in AlertOut.model_fields
        if name not in {"replaces", "replaced_by", "is_current", "areas", "cap_url"}
    } | {
        "replaces": alert.previous.identifier if alert.previous else None,
        "replaced_by": successor.identifier if successor else None,
        "is_current": alert.is_current(),
        "areas": [
            {
                "description": row.description,
                "code": row.code,
                "polygons": row.polygons,
                "circles": row.circles,
            }
            for row in alert.areas.all()
        ],
        "cap_url": cap_url(alert),
    }


def get_alert(identifier: str, rows: AlertQuerySet | None = None) -> Alert:
    alerts = (rows if rows is not None else Alert.objects.all()).for_display()
    found = alerts.filter(identifier=identifier[:64]).first()
    if found is None:
        raise Http404(f"alert {identifier} not found")
    return found


def areas_by_code(codes: list[str]) -> list[Area]:
    found = {a.code: a for a in Area.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        message = _("Wilayah tidak dikenal: %(codes)s") % {"codes": ", ".join(missing)}
        raise InvalidInput(message, field="areas")
    return [found[code] for code in dict.fromkeys(codes)]


def info_from(payload: AlertInfoIn) -> AlertInfo:
    return AlertInfo(
        category=payload.category,
        event=payload.event,
        response_type=payload.response_type or "",
        urgency=payload.urgency,
        severity=payload.severity,
        certainty=payload.certainty,
        headline=payload.headline,
        description=payload.description,
        instruction=payload.instruction,
        effective_at=payload.effective,
        onset_at=payload.onset,
        expires_at=payload.expires,
        web=payload.web,
        contact=payload.contact,
        event_en=payload.event_en,
        headline_en=payload.headline_en,
        description_en=payload.description_en,
        instruction_en=payload.instruction_en,
    )


def where_from(payload: AlertInfoIn) -> Where:
    return Where(
        areas=areas_by_code(payload.areas),
        circles=[
            Circle(
                lat=c.lat, lon=c.lon, radius_km=c.radius_km, description=c.description
            )
            for c in payload.circles
        ],
    )


@router.get(
    "/alerts",
    response={200: AlertList, **errors(403, 422)},
    summary="List alerts, newest first",
)
def list_alerts(request: HttpRequest, filters: Query[AlertFilter]) -> dict[str, Any]:
    api_user(request, Can.VIEW_REFERENCE)
    alerts = Alert.objects.for_display()
    if filters.status:
        alerts = alerts.filter(status=filters.status)
    if filters.current is not None:
        current = Alert.objects.current().values("pk")
        alerts = (
            alerts.filter(pk__in=current)
            if filters.current
            else alerts.exclude(pk__in=current)
        )
    return paginate(alerts, filters, alert_out)


@router.post(
    "/alerts",
    response={201: AlertOut, **errors(403, 422)},
    summary="Issue a public alert (CAP msgType Alert)",
)
def create_alert(request: HttpRequest, payload: AlertIn) -> Status[dict[str, Any]]:
    user = api_user(request, ISSUE_ALERTS)
    alert = issue_alert(
        info=info_from(payload),
        where=where_from(payload),
        status=payload.status,
        actor=user,
    )
    return Status(201, alert_out(get_alert(alert.identifier)))


# Before "/alerts/{identifier}": the URL patterns are tried in this order.
@router.get(
    "/alerts/{identifier}.cap.xml",
    auth=None,
    response=errors(404),
    summary="One alert as CAP 1.2 XML (public; drafts are not published)",
    url_name="alert_cap",
    openapi_extra=CAP_DOC,
)
def read_alert_cap(request: HttpRequest, identifier: str) -> HttpResponse:
    alert = get_alert(identifier, Alert.objects.published())
    response = HttpResponse(render_cap(alert), content_type=CAP_CONTENT_TYPE)
    response["Access-Control-Allow-Origin"] = "*"  # public data, for any aggregator
    # A sent message never changes (an Update or Cancel is a new message).
    response["Cache-Control"] = "public, max-age=300"
    return response


@router.get(
    "/alerts/{identifier}",
    response={200: AlertOut, **errors(403, 404)},
    summary="Read one alert",
)
def read_alert(request: HttpRequest, identifier: str) -> dict[str, Any]:
    api_user(request, Can.VIEW_REFERENCE)
    return alert_out(get_alert(identifier))


@router.post(
    "/alerts/{identifier}/update",
    response={201: AlertOut, **errors(403, 404, 409, 422)},
    summary="Replace an alert with a new version (CAP msgType Update)",
)
def update_alert_api(
    request: HttpRequest, identifier: str, payload: AlertUpdateIn
) -> Status[dict[str, Any]]:
    user = api_user(request, ISSUE_ALERTS)
    update = update_alert(
        get_alert(identifier),
        info=info_from(payload),
        where=where_from(payload),
        note=payload.note,
        actor=user,
    )
    return Status(201, alert_out(get_alert(update.identifier)))


@router.post(
    "/alerts/{identifier}/cancel",
    response={201: AlertOut, **errors(403, 404, 409, 422)},
    summary="Cancel an alert (CAP msgType Cancel)",
)
def cancel_alert_api(
    request: HttpRequest, identifier: str, payload: CancelIn
) -> Status[dict[str, Any]]:
    user = api_user(request, ISSUE_ALERTS)
    cancel = cancel_alert(get_alert(identifier), note=payload.note, actor=user)
    return Status(201, alert_out(get_alert(cancel.identifier)))
