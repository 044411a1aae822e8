"""Incidents over the JSON API: list, open,
read, edit, change status, read the timeline."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from siaga.accounts.access import api_user, require
from siaga.accounts.models import User
from siaga.accounts.roles import Can
from siaga.agencies.models import Agency
from siaga.areas.models import Landmark
from siaga.events.models import Event
from siaga.events.sealing import unseal
from siaga.incidents.actions import (
    Place,
    change_incident_status,
    open_incident_from_contacts,
    update_incident,
)
from siaga.incidents.duplicates import possible_duplicates
from siaga.incidents.models import Category, Incident, IncidentStatus
from siaga.intake.models import Contact
from siaga.lib.errors import InvalidInput
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

router = Router(tags=["incidents"])


class LocationIn(Body):
    lat: Latitude | None = None
    lon: Longitude | None = None
    uncertainty_m: Metres | None = None
    address: ShortText = ""
    landmark_id: int | None = Field(None, ge=1, le=2**31 - 1)


class LocationOut(Schema):
    lat: float | None
    lon: float | None
    uncertainty_m: int | None
    address: str
    landmark: str | None
    kelurahan: str | None
    kecamatan: str | None
    jurisdiction: str | None
    is_outside_home: bool


class DispatchOut(Schema):
    agency: str
    status: str
    sent_at: datetime
    ack_deadline_at: datetime
    acknowledged_at: datetime | None


class IncidentOut(Schema):
    number: str
    status: str
    status_label: str
    category: str
    category_name: str
    priority: int
    description: str
    people_count: int | None
    location: LocationOut
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    dispatches: list[DispatchOut]


class IncidentIn(Body):
    category: Code
    description: LongText = ""
    priority: int | None = Field(None, ge=1, le=5)
    people_count: int | None = Field(None, ge=0, le=100_000)
    location: LocationIn | None = None
    contacts: list[str] = Field(default_factory=list, max_length=50)
    agencies: list[Code] = Field(default_factory=list, max_length=20)
    paper_number: ShortText = Field(
        "",
        description="entering a paper form filled in while no server answered: the "
        "number printed on it (set aside with `siaga paper-forms`)",
    )
    opened_at: Moment | None = Field(
        None, description="with paper_number only: the time written on the form"
    )


class IncidentPatch(Body):
    category: Code | None = None
    description: LongText | None = None
    priority: int | None = Field(None, ge=1, le=5)
    people_count: int | None = Field(None, ge=0, le=100_000)
    location: LocationIn | None = None


class StatusIn(Body):
    status: Code
    reason: ShortText = ""


class IncidentList(Schema):
    count: int
    items: list[IncidentOut]


class IncidentFilter(PageQuery):
    status: IncidentStatus | None = None
    open: bool | None = None


class DuplicateQuery(Schema):
    category: Code | None = None
    lat: Latitude | None = None
    lon: Longitude | None = None


class DuplicateOut(Schema):
    number: str
    category: str | None
    status: IncidentStatus
    opened_at: datetime
    distance_m: int | None


class EventOut(Schema):
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def incident_out(incident: Incident) -> dict[str, Any]:
    jurisdiction = incident.jurisdiction
    return {
        "number": incident.number,
        "status": incident.status,
        "status_label": str(incident.get_status_display()),
        "category": incident.category.code,
        "category_name": incident.category.name,
        "priority": incident.priority,
        "description": incident.description,
        "people_count": incident.people_count,
        "location": {
            "lat": incident.lat,
            "lon": incident.lon,
            "uncertainty_m": incident.uncertainty_m,
            "address": incident.address,
            "landmark": incident.landmark.name if incident.landmark else None,
            "kelurahan": incident.kelurahan.name if incident.kelurahan else None,
            "kecamatan": incident.kecamatan.name if incident.kecamatan else None,
            "jurisdiction": jurisdiction.name if jurisdiction else None,
            "is_outside_home": jurisdiction is not None and not jurisdiction.is_home,
        },
        "opened_at": incident.opened_at,
        "updated_at": incident.updated_at,
        "closed_at": incident.closed_at,
        "dispatches": [
            {
                "agency": d.agency.code,
                "status": d.status,
                "sent_at": d.sent_at,
                "ack_deadline_at": d.ack_deadline_at,
                "acknowledged_at": d.acknowledged_at,
            }
            for d in incident.dispatches.all()
        ],
    }


def visible_incidents(user: User) -> QuerySet[Incident]:
    return Incident.objects.visible_to(user).for_display()


def get_visible_incident(user: User, number: str) -> Incident:
    """The incident if this user may see it; 404 otherwise (no hint that it exists)."""
    incident = visible_incidents(user).filter(number=number).first()
    if incident is None:
        raise Http404(f"incident {number} not found")
    return incident


def category_by_code(code: str) -> Category:
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise InvalidInput(f"unknown category {code!r}", field="category")
    return category


def place_from(location: LocationIn) -> Place:
    landmark = None
    if location.landmark_id is not None:
        landmark = Landmark.objects.filter(
            pk=location.landmark_id, is_active=True
        ).first()
        if landmark is None:
            raise InvalidInput("unknown landmark", field="location.landmark_id")
    return Place(
        lat=location.lat,
        lon=location.lon,
        uncertainty_m=location.uncertainty_m,
        address=location.address,
        landmark=landmark,
    )


def agencies_by_code(codes: list[str]) -> list[Agency]:
    found = {a.code: a for a in Agency.objects.filter(code__in=codes)}
    missing = [code for code in codes if code not in found]
    if missing:
        raise InvalidInput(f"unknown agency {', '.join(missing)}", field="agencies")
    return [found[code] for code in dict.fromkeys(codes)]


def contacts_by_id(ids: list[str]) -> list[Contact]:
    contacts = []
    for public_id in dict.fromkeys(ids):
        contact = Contact.objects.filter(
            public_id=parse_uuid(public_id, "contacts")
        ).first()
        if contact is None:
            raise InvalidInput(f"unknown contact {public_id}", field="contacts")
        contacts.append(contact)
    return contacts


def parse_uuid(value: str, field: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidInput(f"{value!r} is not a contact id", field=field) from None


@router.get(
    "/incidents",
    response={200: IncidentList, **errors(403, 422)},
    summary="List incidents the caller may see",
)
def list_incidents(
    request: HttpRequest, filters: Query[IncidentFilter]
) -> dict[str, Any]:
    user = api_user(request, Can.VIEW_INCIDENTS)
    incidents = visible_incidents(user)
    if filters.status:
        incidents = incidents.filter(status=filters.status)
    if filters.open is not None:
        open_ones = Incident.objects.open().values("pk")
        incidents = (
            incidents.filter(pk__in=open_ones)
            if filters.open
            else incidents.exclude(pk__in=open_ones)
        )
    return paginate(incidents, filters, incident_out)


@router.get(
    "/duplicates",
    response={200: list[DuplicateOut], **errors(403, 422)},
    summary="Open incidents a new report may be about, nearest first (as the console "
    "suggests them)",
)
def list_duplicates(
    request: HttpRequest, query: Query[DuplicateQuery]
) -> list[dict[str, Any]]:
    api_user(request, Can.WRITE_CONTACTS)
    if (query.lat is None) != (query.lon is None):
        raise InvalidInput("give both lat and lon, or neither", field="lat")
    category = category_by_code(query.category) if query.category else None
    found = possible_duplicates(category=category, lat=query.lat, lon=query.lon)
    return [
        {
            "number": c.incident.number,
            "category": c.incident.category.code if c.incident.category else None,
            "status": c.incident.status,
            "opened_at": c.incident.opened_at,
            "distance_m": c.distance_m,
        }
        for c in found
    ]


@router.post(
    "/incidents",
    response={201: IncidentOut, **errors(403, 409, 413, 422)},
    summary="Open an incident",
)
def create_incident(
    request: HttpRequest, payload: IncidentIn
) -> Status[dict[str, Any]]:
    user = api_user(request, Can.WRITE_INCIDENTS)
    if payload.agencies:
        require(user, Can.DISPATCH)
    incident = open_incident_from_contacts(
        category=category_by_code(payload.category),
        description=payload.description,
        priority=payload.priority,
        people_count=payload.people_count,
        place=place_from(payload.location) if payload.location else None,
        contacts=contacts_by_id(payload.contacts),
        agencies=agencies_by_code(payload.agencies),
        actor=user,
        paper=payload.paper_number,
        opened_at=payload.opened_at,
    )
    return Status(201, incident_out(get_visible_incident(user, incident.number)))


@router.get(
    "/incidents/{number}",
    response={200: IncidentOut, **errors(403, 404)},
    summary="Read one incident",
)
def read_incident(request: HttpRequest, number: str) -> dict[str, Any]:
    user = api_user(request, Can.VIEW_INCIDENTS)
    return incident_out(get_visible_incident(user, number))


@router.patch(
    "/incidents/{number}",
    response={200: IncidentOut, **errors(403, 404, 409, 413, 422)},
    summary="Change an incident",
)
def patch_incident(
    request: HttpRequest, number: str, payload: IncidentPatch
) -> dict[str, Any]:
    user = api_user(request, Can.WRITE_INCIDENTS)
    incident = get_visible_incident(user, number)
    given = payload.model_fields_set
    fields: dict[str, Any] = {
        name: getattr(payload, name)
        for name in ("description", "priority", "people_count")
        if name in given
    }
    if "category" in given and payload.category is not None:
        fields["category"] = category_by_code(payload.category)
    for name in {"description", "priority"} & given:
        if fields[name] is None:
            raise InvalidInput(f"{name} cannot be empty", field=name)
    update_incident(
        incident,
        fields=fields,
        place=place_from(payload.location) if payload.location else None,
        change_place="location" in given,
        actor=user,
    )
    return incident_out(get_visible_incident(user, number))


@router.post(
    "/incidents/{number}/status",
    response={200: IncidentOut, **errors(403, 404, 409, 422)},
    summary="Change status",
)
def set_incident_status(
    request: HttpRequest, number: str, payload: StatusIn
) -> dict[str, Any]:
    user = api_user(request, Can.WRITE_INCIDENTS)
    incident = get_visible_incident(user, number)
    change_incident_status(
        incident, status=payload.status, reason=payload.reason, actor=user
    )
    return incident_out(get_visible_incident(user, number))


@router.get(
    "/incidents/{number}/events",
    response={200: list[EventOut], **errors(403, 404)},
    summary="Timeline",
)
def incident_events(request: HttpRequest, number: str) -> list[dict[str, Any]]:
    user = api_user(request, Can.VIEW_INCIDENTS)
    incident = get_visible_incident(user, number)
    callers_shown = user.can(Can.VIEW_CONTACTS)
    return [
        event_out(event, callers_shown)
        for event in Event.objects.for_incident(incident.pk)
    ]


# Events about a caller: their contact, the replies sent to them, their photos.
ABOUT_A_CALLER = frozenset({"contact", "outboundmessage", "media"})


def event_out(event: Event, callers_shown: bool) -> dict[str, Any]:
    """One event of the timeline, a person's sealed data opened (events/sealing.py).
    A contact's events name the caller and quote them: to a role that may not read
    contacts (an agency, the wallboard) they, and the replies and photos of the caller,
    say only what happened, not who or what."""
    hidden = event.target_type in ABOUT_A_CALLER and not callers_shown
    return {
        "id": event.id,
        "at": event.created_at,
        "actor": event.actor_name,
        "action": event.action,
        "target": "contact" if hidden else event.target_label,
        "before": None if hidden else unseal(event.before),
        "after": None if hidden else unseal(event.after),
    }


class CategoryOut(Schema):
    code: str
    name: str
    name_en: str
    default_priority: int
    eido_code: str
    default_agencies: list[str]


@router.get(
    "/categories", response={200: list[CategoryOut], **errors(403)}, tags=["reference"]
)
def list_categories(request: HttpRequest) -> list[dict[str, Any]]:
    api_user(request, Can.VIEW_REFERENCE)
    return [
        {
            "code": c.code,
            "name": c.name,
            "name_en": c.name_en,
            "default_priority": c.default_priority,
            "eido_code": c.eido_code,
            "default_agencies": [a.code for a in c.default_agencies.all()],
        }
        for c in Category.objects.filter(is_active=True).prefetch_related(
            "default_agencies"
        )
    ]
