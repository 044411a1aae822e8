"""NENA EIDO 1.0 (NENA-STA-021.1b): an incident out to a neighbouring 112 centre, a
neighbour's `requestForService` read in, and both checked against the published schema.

`incident_to_eido` only reads the ORM. `parse_requested_incident` accepts the spelling
slips the schema itself invites and raises `EidoError` for anything it cannot use.
`validate_eido` validates against `eido_schema/` (NENA911/EIDO-JSON @7f62055), external
`$ref`s into the NIEM components resolved from the same folder.
See shared/reference/standards.md §2 (EIDO) and §4.1 (PIDF-LO).
"""

from __future__ import annotations

import functools
import html
import json
import math
import re
import uuid
import xml.etree.ElementTree as ET  # noqa: S405 (declarations are refused: _parse_xml)
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit
from urllib.request import url2pathname
from xml.sax.saxutils import quoteattr

import yaml
from django.conf import settings
from django.utils import timezone, translation
from django.utils.html import escape, strip_tags
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT4

from siaga.agencies.models import Agency
from siaga.areas.models import Area, AreaKind
from siaga.dispatching.models import Dispatch, DispatchStatus
from siaga.incidents.models import Category, Incident, IncidentStatus
from siaga.intake.models import CallerKind, CallState, Channel, Contact
from siaga.lib import phone
from siaga.lib.geo import distance_m

EIDO_VERSION = "1.0"
SCHEMA_DIR = Path(__file__).with_name("eido_schema")
ROOT_TYPE = "#/components/schemas/EmergencyIncidentDataObjectType"


class EidoError(ValueError):
    """An EIDO we cannot use; the message says what is wrong and where."""


# Our categories → the IncidentType-Common registry (APCO ANS 2.103 codes, as listed in
# eido_schema/NIEMComponents/apco.yaml). A category whose `eido_code` already is a
# registry value keeps it; this map covers every category of datasets/tangerang.json.
CATEGORY_INCIDENT_TYPES: dict[str, str] = {
    "medis": "SICK",  # "MEDICAL" is no registry value; SICK is the generic medical call
    "ambulans-gratis": "TRANSFER",
    "kebakaran": "FSTRU",
    "penyelamatan": "RESCUE",
    "hewan-liar": "WILDLIFE",
    "tenggelam": "DROWN",
    "kecelakaan": "MVA",
    "pohon-tumbang": "THAZ",
    "banjir-bencana": "WATER",  # no flood or disaster code; WATER covers flood rescue
    "kriminalitas": "ROBBERY",
    "tawuran": "FIGHT",  # "DISTURB" is no registry value
    "orang-hilang": "ATL",  # attempt to locate: there is no missing-person code
    "jalan-rusak": "THAZ",
    "lalu-lintas": "THAZ",  # a dead traffic light is a traffic hazard
    "odgj-sosial": "WELFARE",
    "lainnya": "CITASST",
}
FALLBACK_INCIDENT_TYPE = "CITASST"  # citizen assist: a category added later, unmapped

# IncidentStatus → the IncidentStatus-Common registry; our own value goes alongside.
INCIDENT_STATUSES: dict[str, str] = {
    IncidentStatus.NEW: "Active",
    IncidentStatus.DISPATCHED: "ResourcesAssigned",
    IncidentStatus.ACKNOWLEDGED: "ResourcesAssigned",
    IncidentStatus.EN_ROUTE: "ResourcesEnroute",
    IncidentStatus.ON_SCENE: "ResourcesOnscene",
    IncidentStatus.RESOLVED: "Closed",
    IncidentStatus.CLOSED: "Closed",
    IncidentStatus.REFERRED: "Active",
    IncidentStatus.CANCELLED: "Cancelled",
    IncidentStatus.MERGED: "Closed",
}
# Agency codes → the IANA urn:emergency:service:responder registry, prefix dropped as
# the schema asks. It has no disaster, public-works or social-services type, so those
# agencies carry none rather than a made-up one; their jCard names them.
AGENCY_TYPES: dict[str, str] = {"DAMKAR": "fire", "POLRES": "police", "DINKES": "ems"}
CALL_STATES: dict[str, str] = {
    CallState.RINGING: "callBegin",
    CallState.ANSWERED: "callAnswered",
    CallState.ENDED: "callEnd",
    CallState.ABANDONED: "callEnd",
}
# Contacts over the telephone network become calls; app and social-media messages stay
# out (their handles are no business of another centre).
CALL_CHANNELS = (Channel.CALL, Channel.SMS)
# The EIDO dispatch component has no status: a refused dispatch would read as working.
UNSENT_DISPATCHES = (DispatchStatus.DECLINED, DispatchStatus.CANCELLED)

PIDF = "urn:ietf:params:xml:ns:pidf"
GP = "urn:ietf:params:xml:ns:pidf:geopriv10"
GBP = "urn:ietf:params:xml:ns:pidf:geopriv10:basicPolicy"
GML = "http://www.opengis.net/gml"
GS = "http://www.opengis.net/pidflo/1.0"
CRS_2D = "urn:ogc:def:crs:EPSG::4326"
METRES = "urn:ogc:def:uom:EPSG::9001"


def incident_type_for(category: Category) -> str:
    """The IncidentType-Common registry text for one of our categories."""
    if category.eido_code in apco_incident_types():
        return category.eido_code
    return CATEGORY_INCIDENT_TYPES.get(category.code, FALLBACK_INCIDENT_TYPE)


@functools.cache
def apco_incident_types() -> frozenset[str]:
    """The registry's codes as NIEM's apco namespace lists them: the 197 codes of an
    older APCO 2.103 edition (2019's has 247), the one machine-readable list we have."""
    schemas = _load_yaml(SCHEMA_DIR / "NIEMComponents" / "apco.yaml")["components"]
    enum = schemas["schemas"]["apcoIncidentCategoryCodeSimpleType"]["enum"]
    return frozenset(str(code) for code in enum)


def common_priority(priority: int) -> int:
    """Our 1 (critical) … 5 (information) → the EIDO's 0 … 10, where 10 is highest."""
    return 10 - 2 * (priority - 1)


def our_priority(common: int) -> int:
    """The EIDO's 0 … 10 → our 1 … 5; a number between two of ours takes the urgent."""
    return min(5, 1 + (10 - max(0, min(10, common))) // 2)


def eido_fqdn() -> str:
    """Our domain in i3 identifiers: SIAGA_EIDO_FQDN, else SIAGA_PUBLIC_URL's host."""
    host = urlsplit(settings.SIAGA_PUBLIC_URL).hostname or "localhost"
    return str(getattr(settings, "SIAGA_EIDO_FQDN", "") or host)


def incident_i3_id(incident: Incident) -> str:
    """`urn:emergency:uid:incidentid:TNG-20261204-0042:112.tangerangkota.go.id`."""
    return f"urn:emergency:uid:incidentid:{incident.number}:{eido_fqdn()}"


# --- Out ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Origin:
    """Who writes the document: our centre, for one incident."""

    fqdn: str
    incident_id: str

    @property
    def centre_id(self) -> str:
        return self.fqdn

    def component_id(self, *parts: str) -> str:
        name = "/".join([self.incident_id, *parts])
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"

    def prologue(self, component_id: str, at: datetime) -> dict[str, Any]:
        return {
            "$id": component_id,
            "lastUpdateTimeStamp": _timestamp(at),
            "updatedByAgencyReference": {"$ref": self.centre_id},
        }


def incident_to_eido(incident: Incident) -> dict[str, Any]:
    """The incident as a NENA EIDO 1.0 document for another 112 centre.

    Personal data stays home: no caller names, handles, message texts or caller
    locations. A call carries a `tel:` callback only when the category shares the
    caller's number with agencies (`Category.shares_caller_number`).
    """
    origin = _Origin(fqdn=eido_fqdn(), incident_id=incident_i3_id(incident))
    dispatches = list(
        incident.dispatches.exclude(status__in=UNSENT_DISPATCHES)
        .select_related("agency")
        .order_by("sent_at", "pk")
    )
    contacts = list(
        incident.contacts.filter(channel__in=CALL_CHANNELS)
        .select_related("caller")
        .order_by("received_at", "pk")
    )
    location = _location_component(origin, incident)
    notes = _notes_component(origin, incident)
    calls, callbacks = _call_components(origin, incident.category, contacts)
    updated_at = max(
        [incident.updated_at]
        + [_last_change(dispatch) for dispatch in dispatches]
        + [_last_change(contact) for contact in contacts]
    )
    root_id = origin.component_id("eido", _timestamp(updated_at))
    document: dict[str, Any] = {
        **origin.prologue(root_id, updated_at),
        "eidoVersion": EIDO_VERSION,
        "issuingElementIdentification": f"cad.{origin.fqdn}",
        "incidentComponent": _incident_component(origin, incident, location, notes),
        "agencyComponent": _agency_components(origin, incident, dispatches),
    }
    optional = {
        "mergeComponent": _merge_components(origin, incident),
        "dispatchComponent": [
            {
                **origin.prologue(
                    origin.component_id("dispatch", str(dispatch.pk)),
                    _last_change(dispatch),
                ),
                "agencyReference": {"$ref": _agency_id(origin, dispatch.agency)},
            }
            for dispatch in dispatches
        ],
        "locationComponent": [location] if location else [],
        "notesComponent": [notes] if notes else [],
        "callComponent": calls,
        "callbackComponent": callbacks,
    }
    document.update({key: value for key, value in optional.items() if value})
    return document


def _incident_component(
    origin: _Origin,
    incident: Incident,
    location: dict[str, Any] | None,
    notes: dict[str, Any] | None,
) -> dict[str, Any]:
    category = incident.category
    with translation.override("id"):
        priority_text = str(incident.get_priority_display())
    component: dict[str, Any] = {
        **origin.prologue(origin.incident_id, incident.updated_at),
        "incidentTypeCommonRegistryText": incident_type_for(category),
        "incidentTypeInternalCode": category.code,
        "incidentTypeInternalText": category.name,
        "incidentStatusCommonRegistryText": [INCIDENT_STATUSES[incident.status]],
        "incidentStatusInternalText": [incident.status],
        "internalIncidentId": incident.number,
        "incidentCommonPriorityNumber": common_priority(incident.priority),
        "incidentPriorityInternalText": priority_text,
    }
    if location:
        component["locationReference"] = [{"$ref": location["$id"]}]
    if notes:
        component["notesReference"] = [{"$ref": notes["$id"]}]
    return component


def _agency_components(
    origin: _Origin, incident: Incident, dispatches: list[Dispatch]
) -> list[dict[str, Any]]:
    home = Area.objects.filter(kind=AreaKind.HOME).values_list("name", flat=True)
    centre: dict[str, Any] = {
        **origin.prologue(origin.centre_id, incident.updated_at),
        "agencyRoleDescriptionRegistryText": ["CallReceiving", "Dispatching"],
        "agencyType": ["psap"],
        "incidentOwningAgencyIndicator": True,
    }
    if home_name := home.first():
        centre["agencyJcard"] = _jcard(f"112 {home_name}", "")
    agencies: dict[str, dict[str, Any]] = {}
    for dispatch in dispatches:
        agency, agency_id = dispatch.agency, _agency_id(origin, dispatch.agency)
        agencies[agency_id] = {
            **origin.prologue(agency_id, _last_change(dispatch)),
            "agencyRoleDescriptionRegistryText": ["Dispatched"],
            "agencyType": [AGENCY_TYPES[agency.code]]
            if agency.code in AGENCY_TYPES
            else [],
            "agencyJcard": _jcard(agency.name, agency.phone),
            "incidentOwningAgencyIndicator": False,
        }
    return [centre, *agencies.values()]


def _merge_components(origin: _Origin, incident: Incident) -> list[dict[str, Any]]:
    """This incident replaced by the one it was merged into, or replacing its merged."""
    links = [(merged, "REPLACING") for merged in incident.merged_incidents.all()]
    if incident.merged_into is not None:
        links.insert(0, (incident.merged_into, "REPLACED"))
    return [
        {
            **origin.prologue(
                origin.component_id("merge", other.number), incident.updated_at
            ),
            "incidentTrackingIdentifier": incident_i3_id(other),
            "incidentMergeDirectionCode": direction,
        }
        for other, direction in links
    ]


def _location_component(origin: _Origin, incident: Incident) -> dict[str, Any] | None:
    description = location_text(incident)
    if (incident.lat is None or incident.lon is None) and not description:
        return None
    component: dict[str, Any] = {
        **origin.prologue(origin.component_id("location"), incident.updated_at),
        "locationTypeDescriptionRegistryText": "CurrentIncident",
    }
    if incident.lat is not None and incident.lon is not None:
        component["locationByValue"] = pidf_lo(
            f"pres:{incident.number}@{origin.fqdn}",
            incident.lat,
            incident.lon,
            incident.uncertainty_m,
            incident.updated_at,
        )
    if description:
        component["locationDescriptionText"] = description
    return component


def location_text(incident: Incident) -> str:
    """`Jl. Daan Mogot 5; Masjid Raya Al-A'zhom; Kel. Sukarasa, Kec. Tangerang, Kota
    Tangerang`: the words a call taker on the other side reads out."""
    areas = [
        f"Kel. {incident.kelurahan.name}" if incident.kelurahan else "",
        f"Kec. {incident.kecamatan.name}" if incident.kecamatan else "",
        incident.jurisdiction.name if incident.jurisdiction else "",
    ]
    parts = [
        incident.address.strip(),
        incident.landmark.name if incident.landmark else "",
        ", ".join(area for area in areas if area),
    ]
    return "; ".join(part for part in parts if part)


def pidf_lo(
    entity: str, lat: float, lon: float, uncertainty_m: float | None, at: datetime
) -> str:
    """A PIDF-LO (RFC 4119, shapes per RFC 5491): a point, or a circle when the
    uncertainty is known. `gml:pos` is latitude first."""
    pos = f"<gml:pos>{lat:.6f} {lon:.6f}</gml:pos>"
    if uncertainty_m:
        radius = f'<gs:radius uom="{METRES}">{uncertainty_m:g}</gs:radius>'
        shape = f'<gs:Circle srsName="{CRS_2D}">{pos}{radius}</gs:Circle>'
    else:
        shape = f'<gml:Point srsName="{CRS_2D}">{pos}</gml:Point>'
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<presence xmlns="{PIDF}" xmlns:gp="{GP}" xmlns:gbp="{GBP}" '
        f'xmlns:gml="{GML}" xmlns:gs="{GS}" entity={quoteattr(entity)}>'
        '<tuple id="incident"><status><gp:geopriv>'
        f"<gp:location-info>{shape}</gp:location-info>"
        "<gp:usage-rules><gbp:retransmission-allowed>true"
        "</gbp:retransmission-allowed></gp:usage-rules>"
        "<gp:method>Manual</gp:method>"
        f"</gp:geopriv></status><timestamp>{_timestamp(at)}</timestamp>"
        "</tuple></presence>"
    )


def _notes_component(origin: _Origin, incident: Incident) -> dict[str, Any] | None:
    text = incident.description.strip()
    if not text:
        return None
    return {
        **origin.prologue(origin.component_id("notes"), incident.updated_at),
        "notesActionComments": f"<p>{escape(text)}</p>".replace("\n", "<br>"),
    }


def _call_components(
    origin: _Origin, category: Category, contacts: list[Contact]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    calls, callbacks = [], []
    for contact in contacts:
        call_id = f"urn:emergency:uid:callid:{contact.public_id.hex}:{origin.fqdn}"
        call: dict[str, Any] = {
            **origin.prologue(call_id, _last_change(contact)),
            "callStateRegistryText": CALL_STATES.get(contact.call_state, "callEnd"),
            "standardPrimaryCallType": "emergency",
            "localCallType": contact.channel,
            "direction": "incoming",
            "callStartTimestamp": _timestamp(contact.received_at),
        }
        if contact.answered_at:
            call["answerDate"] = _timestamp(contact.answered_at)
        caller = contact.caller
        if category.shares_caller_number and caller and caller.kind == CallerKind.PHONE:
            callback_id = origin.component_id("callback", contact.public_id.hex)
            callbacks.append(
                {
                    **origin.prologue(callback_id, contact.received_at),
                    "callBackInformationUri": [f"tel:{caller.identifier}"],
                }
            )
            call["callBackReference"] = {"$ref": callback_id}
        calls.append(call)
    return calls, callbacks


def _agency_id(origin: _Origin, agency: Agency) -> str:
    return f"{agency.code.lower()}.{origin.fqdn}"


def _jcard(name: str, telephone: str) -> str:
    """An RFC 7095 jCard with the name, and the number when it parses."""
    properties: list[list[Any]] = [["version", {}, "text", "4.0"]]
    properties.append(["fn", {}, "text", name])
    if number := phone.to_e164(telephone):
        properties.append(["tel", {}, "uri", f"tel:{number}"])
    return json.dumps(["vcard", properties], ensure_ascii=False)


def _last_change(row: Dispatch | Contact) -> datetime:
    if isinstance(row, Dispatch):
        times = [row.sent_at, row.acknowledged_at, row.escalated_at, row.ended_at]
    else:
        times = [row.received_at, row.answered_at, row.ended_at, row.classified_at]
    return max(at for at in times if at is not None)


def _timestamp(at: datetime) -> str:
    """ISO 8601 with the WIB offset: `2026-12-04T10:00:00.000+07:00`."""
    return timezone.localtime(at).isoformat(timespec="milliseconds")


# --- In ----------------------------------------------------------------------------

# Keys are matched case-insensitively, because the published openapi.yaml itself mixes
# spellings that senders then copy:
#   - "TimeStamp"/"Timestamp": lastUpdateTimeStamp and vehicleRelationshipTimeStamp, but
#     callStartTimestamp, startTimestamp, stopTimestamp, acknowledgementTimestamp; the
#     AlternateValues items require "TimeStamp" and define "Timestamp";
#   - "callBack"/"callback": callBackReference and callBackInformationUri, but
#     callbackComponent (CallbackType);
#   - PascalCase leftovers: AlternateValueReferences; NENA's earlier draft sample
#     (Samples/Sample_EIDO.json) wrote LastUpdateTimeStamp and EIDOVersion.
# Folded before matching: "Acess" (the schema's externalSourceAcessString), and the
# slips "Referance", "Registery", "Regsitry", none of which this schema contains.
# Aliases: registry properties are named differently per component
# (incidentTypeCommonRegistryText, locationTypeDescriptionRegistryText,
# agencyRoleDescriptionRegistryText, dispositionCommonRegistryCode), and the earlier
# draft used locationInformationComponent, an array incidentComponent, a plain-string
# OwningAgencyIdentifier and a root incidentTrackingIdentifier.
_FOLDS = (
    ("referance", "reference"),
    ("acess", "access"),
    ("registery", "registry"),
    ("regsitry", "registry"),
)
_ALIASES: dict[str, tuple[str, ...]] = {
    "incidentTypeCommonRegistryText": (
        "incidentTypeRegistryText",
        "incidentTypeDescriptionRegistryText",
        "incidentTypeCommonRegistryCode",
    ),
    "locationTypeDescriptionRegistryText": (
        "locationTypeCommonRegistryText",
        "locationTypeRegistryText",
    ),
    "incidentComponent": ("incidentInformationComponent",),
    "locationComponent": ("locationInformationComponent",),
    "updatedByAgencyReference": ("owningAgencyIdentifier",),
}
# Where the incident is, most telling first; other types (Caller, RoutingLocation…)
# follow in document order.
_LOCATION_TYPES = ("currentincident", "initialincident")
MAX_PIDF_LO_CHARS = 100_000
_DECLARATION = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_GEO_URI = re.compile(
    r"geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)"  # latitude, longitude
    r"(?:,-?\d+(?:\.\d+)?)?(?:;u=(\d+(?:\.\d+)?))?",  # altitude, uncertainty
    re.IGNORECASE,
)
_LAT_LON = re.compile(r"(-?\d{1,2}\.\d{3,})\s*,\s*(-?\d{1,3}\.\d{3,})")
_POSITIONS = frozenset({"pos", "posList"})
_BREAK = re.compile(r"<br\s*/?>|</p\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class RequestedIncident:
    """What a neighbouring centre asks us to handle, read from its EIDO.

    `priority` is on our scale (1 critical … 5); `callback_number` is E.164 when it
    parses as a number (one without a country code is read as Indonesian, as our own
    callers' are), else as sent.
    """

    incident_id: str
    incident_type: str
    category_text: str
    priority: int | None
    description: str
    lat: float | None
    lon: float | None
    uncertainty_m: float | None
    address: str
    callback_number: str
    updated_by_agency: str
    raw: Any = field(repr=False, compare=False)


@dataclass(frozen=True)
class Whereabouts:
    """A location read from a PIDF-LO or from words."""

    lat: float | None = None
    lon: float | None = None
    uncertainty_m: float | None = None
    address: str = ""


def parse_requested_incident(document: Any) -> RequestedIncident:
    """Read a neighbour's EIDO, bare or wrapped as STA-024 `{"requestForService":
    {"requestId", "eido"}}`; EidoError when it names no incident we can act on."""
    eido = _unwrap(document)
    components = _components_by_id(eido)
    incident = _incident(eido)
    incident_id = _text(incident, "$id", "incidentComponent") or _text(
        eido, "incidentTrackingIdentifier", "EIDO"
    )
    if not incident_id:
        raise EidoError("incidentComponent has no $id, so the incident has no name")
    place = _whereabouts(eido, incident, components)
    return RequestedIncident(
        incident_id=incident_id,
        incident_type=_text(
            incident, "incidentTypeCommonRegistryText", "incidentComponent", True
        ),
        category_text=_text(incident, "incidentTypeInternalText", "incidentComponent")
        or _text(incident, "incidentTypeInternalCode", "incidentComponent"),
        priority=_priority(incident),
        description=_description(eido, incident, components),
        lat=place.lat,
        lon=place.lon,
        uncertainty_m=place.uncertainty_m,
        address=place.address,
        callback_number=_callback_number(eido, components),
        updated_by_agency=_reference(
            _get(eido, "updatedByAgencyReference"), "EIDO.updatedByAgencyReference"
        ),
        raw=document,
    )


def _unwrap(document: Any) -> dict[Any, Any]:
    if not isinstance(document, dict):
        raise EidoError(f"an EIDO is a JSON object, not {_kind(document)}")
    request = _get(document, "requestForService")
    if request is None:
        return document
    eido = _get(request, "eido") if isinstance(request, dict) else None
    if not isinstance(eido, dict):
        raise EidoError("requestForService carries no EIDO object in its eido field")
    return eido


def _incident(eido: dict[Any, Any]) -> dict[Any, Any]:
    value = _get(eido, "incidentComponent")
    if isinstance(value, list) and len(value) == 1:
        value = value[0]  # the earlier draft's array of one
    if value is None:
        raise EidoError(
            "the EIDO has no incidentComponent, so it asks for no incident (a call "
            "transfer without one, like NENA's sample, is not a request for service)"
        )
    if not isinstance(value, dict):
        raise EidoError(f"incidentComponent must be one object, not {_kind(value)}")
    return value


def _components_by_id(eido: dict[Any, Any]) -> dict[str, dict[Any, Any]]:
    """Every component of the document by its $id, the targets of `$ref`s."""
    found: dict[str, dict[Any, Any]] = {}
    for value in eido.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and isinstance(item.get("$id"), str):
                found.setdefault(item["$id"], item)
    return found


def _priority(incident: dict[Any, Any]) -> int | None:
    value = _get(incident, "incidentCommonPriorityNumber")
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,3}\s*", value):
        value = int(value)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise EidoError(
            "incidentComponent.incidentCommonPriorityNumber must be a whole number "
            f"from 0 to 10, not {_kind(value)}"
        )
    return our_priority(value)


def _description(
    eido: dict[Any, Any], incident: dict[Any, Any], components: dict[str, Any]
) -> str:
    references = _list(incident, "notesReference", "incidentComponent")
    if references:
        notes = [
            _resolve(components, ref, f"incidentComponent.notesReference[{i}]")
            for i, ref in enumerate(references)
        ]
    else:
        notes = _objects(eido, "notesComponent")
    texts = []
    for i, note in enumerate(notes):
        comments = _text(note, "notesActionComments", f"notesComponent[{i}]")
        texts.append(html.unescape(strip_tags(_BREAK.sub("\n", comments))).strip())
    return "\n\n".join(text for text in texts if text)


def _whereabouts(
    eido: dict[Any, Any], incident: dict[Any, Any], components: dict[str, Any]
) -> Whereabouts:
    """The first point among the incident's locations, and the first words for it."""
    references = _list(incident, "locationReference", "incidentComponent")
    candidates = [
        _resolve(components, ref, f"incidentComponent.locationReference[{i}]")
        for i, ref in enumerate(references)
    ]
    listed = sorted(_objects(eido, "locationComponent"), key=_location_rank)
    candidates += [item for item in listed if all(item is not c for c in candidates)]
    address, point = "", Whereabouts()
    for i, location in enumerate(candidates):
        if address and point.lat is not None:
            break  # a later location (the caller's, the tower's) is not read
        where = f"location {_text(location, '$id', 'locationComponent') or i}"
        by_value = _text(location, "locationByValue", where)
        found = parse_pidf_lo(by_value) if by_value else Whereabouts()
        described = _text(location, "locationDescriptionText", where)
        address = address or described or found.address
        if point.lat is None:
            point = found if found.lat is not None else _point_in_words(described)
    return Whereabouts(point.lat, point.lon, point.uncertainty_m, address)


def _location_rank(location: dict[Any, Any]) -> int:
    kind = _get(location, "locationTypeDescriptionRegistryText")
    kind = kind.lower() if isinstance(kind, str) else ""
    return _LOCATION_TYPES.index(kind) if kind in _LOCATION_TYPES else 2


def _point_in_words(text: str) -> Whereabouts:
    """A `geo:` URI (RFC 5870) or a `-6.17, 106.63` pair in a location's words."""
    if match := _GEO_URI.search(text):
        lat, lon, radius = match.groups()
        uncertainty = float(radius) if radius else None
    elif match := _LAT_LON.search(text):
        (lat, lon), uncertainty = match.groups(), None
    else:
        return Whereabouts()
    if not (-90 <= float(lat) <= 90 and -180 <= float(lon) <= 180):
        return Whereabouts()  # just numbers in the words, not a place
    return Whereabouts(float(lat), float(lon), uncertainty)


def _callback_number(eido: dict[Any, Any], components: dict[str, Any]) -> str:
    """The first number to call back: the calls' callbacks, then any callback."""
    callbacks = []
    for i, call in enumerate(_objects(eido, "callComponent")):
        reference = _get(call, "callBackReference")
        if reference is not None:
            where = f"callComponent[{i}].callBackReference"
            callbacks.append(_resolve(components, reference, where))
    callbacks += _objects(eido, "callbackComponent")
    uris = []
    for i, callback in enumerate(callbacks):
        for uri in _list(callback, "callBackInformationUri", f"callback {i}"):
            if not isinstance(uri, str):
                raise EidoError(f"callBackInformationUri holds {_kind(uri)}, not a URI")
            uris.append(uri.strip())
    for uri in sorted(uris, key=lambda uri: not uri.lower().startswith("tel:")):
        if number := phone.to_e164(uri):
            return number
        cleaned = phone.clean_caller_id(uri)
        if re.fullmatch(r"\+?\d{3,20}", cleaned):
            return cleaned
    return ""


def parse_pidf_lo(text: str) -> Whereabouts:
    """The first geodetic shape of a PIDF-LO as a point with its uncertainty, and its
    civic address as words. Shapes: Point, Circle, Sphere, Ellipse, Ellipsoid, ArcBand,
    Polygon (its vertices' centre)."""
    root = _parse_xml(text)
    point, address = Whereabouts(), ""
    for info in root.iter(f"{{{GP}}}location-info"):
        for element in info:
            name = _local(element.tag)
            if name == "civicAddress" and not address:
                address = _civic_text(element)
            elif point.lat is None:
                point = _shape(element, name)
    return Whereabouts(point.lat, point.lon, point.uncertainty_m, address)


def _parse_xml(text: str) -> ET.Element:
    """Parse untrusted XML; a DOCTYPE or ENTITY declaration is refused outright, which
    rules out entity expansion (billion laughs) and external entities (XXE)."""
    if len(text) > MAX_PIDF_LO_CHARS:
        raise EidoError("locationByValue is too long for a PIDF-LO")
    if _DECLARATION.search(text):
        raise EidoError(
            "locationByValue declares a DOCTYPE or ENTITY; refused (XML entity attacks)"
        )
    try:
        return ET.fromstring(text.strip())  # noqa: S314 (declarations refused above)
    except (ET.ParseError, ValueError) as error:
        raise EidoError(f"locationByValue is not well-formed XML: {error}") from None


def _shape(element: ET.Element, name: str) -> Whereabouts:
    srs = element.get("srsName", CRS_2D)
    if name not in {"Point", "Circle", "Sphere", "Ellipse", "Ellipsoid", "ArcBand"}:
        return _polygon(element) if name == "Polygon" else Whereabouts()
    if not srs.endswith(("EPSG::4326", "EPSG::4979")):
        raise EidoError(
            f"PIDF-LO {name} uses {srs}; only WGS84 (EPSG 4326/4979) is read"
        )
    pos = _child(element, "pos")
    lat, lon = _position(pos.text if pos is not None else None, name)
    size = {"Circle": "radius", "Sphere": "radius", "ArcBand": "outerRadius"}
    distance = _child(element, size.get(name, "semiMajorAxis"))
    if distance is None:
        return Whereabouts(lat, lon)
    return Whereabouts(lat, lon, _metres(distance, name))


def _polygon(element: ET.Element) -> Whereabouts:
    positions = [node for node in element.iter() if _local(node.tag) in _POSITIONS]
    text = " ".join(node.text or "" for node in positions)
    numbers = _numbers(text, "Polygon")
    vertices = [_position(f"{a} {b}", "Polygon") for a, b in _pairs(numbers)]
    if len(vertices) < 3:
        raise EidoError("PIDF-LO Polygon has fewer than three vertices")
    lat = sum(v[0] for v in vertices) / len(vertices)
    lon = sum(v[1] for v in vertices) / len(vertices)
    return Whereabouts(lat, lon, max(distance_m(lat, lon, *v) for v in vertices))


def _pairs(numbers: list[float]) -> Iterator[tuple[float, float]]:
    yield from zip(numbers[::2], numbers[1::2], strict=False)


def _position(text: str | None, shape: str) -> tuple[float, float]:
    numbers = _numbers(text or "", shape)
    if len(numbers) < 2:
        raise EidoError(f"PIDF-LO {shape} has no gml:pos with latitude and longitude")
    lat, lon = numbers[0], numbers[1]
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise EidoError(f"PIDF-LO {shape} position {lat} {lon} is off the globe")
    return lat, lon


def _numbers(text: str, shape: str) -> list[float]:
    try:
        numbers = [float(word) for word in text.split()]
    except ValueError:
        raise EidoError(f"PIDF-LO {shape} has a non-numeric coordinate") from None
    if not all(math.isfinite(number) for number in numbers):
        raise EidoError(f"PIDF-LO {shape} has a non-finite coordinate")
    return numbers


def _metres(element: ET.Element, shape: str) -> float:
    unit = element.get("uom", METRES)
    if not unit.endswith("EPSG::9001"):
        raise EidoError(f"PIDF-LO {shape} gives its size in {unit}, not metres")
    value = _numbers(element.text or "", shape)
    if len(value) != 1 or value[0] < 0:
        raise EidoError(f"PIDF-LO {shape} has no usable size in metres")
    return value[0]


def _civic_text(element: ET.Element) -> str:
    """RFC 5139 civic address as one line: place, street, kelurahan … country."""
    parts = {_local(child.tag): (child.text or "").strip() for child in element}
    street = " ".join(
        parts.get(key, "") for key in ("HNO", "HNS", "PRD", "RD", "STS", "POD")
    )
    words = [parts.get("NAM"), parts.get("LMK"), " ".join(street.split())]
    words += [parts.get(key) for key in ("A6", "A5", "A4", "A3", "A2", "A1", "country")]
    return ", ".join(word for word in words if word)


def _child(element: ET.Element, name: str) -> ET.Element | None:
    """A child by local name: senders differ on the GML namespace's version."""
    return next((child for child in element if _local(child.tag) == name), None)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _fold(key: str) -> str:
    key = key.lower()
    for wrong, right in _FOLDS:
        key = key.replace(wrong, right)
    return key


def _get(obj: dict[Any, Any], name: str) -> Any:
    """A property by its schema name, under any spelling the notes above accept."""
    if name in obj:
        return obj[name]
    wanted = {_fold(spelling) for spelling in (name, *_ALIASES.get(name, ()))}
    for key, value in obj.items():
        if isinstance(key, str) and _fold(key) in wanted:
            return value
    return None


def _text(obj: dict[Any, Any], name: str, where: str, required: bool = False) -> str:
    value = _get(obj, name)
    if value is None and required:
        raise EidoError(f"{where}.{name} is missing")
    if value is not None and not isinstance(value, str):
        raise EidoError(f"{where}.{name} must be a string, not {_kind(value)}")
    return (value or "").strip()


def _list(obj: dict[Any, Any], name: str, where: str) -> list[Any]:
    value = _get(obj, name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise EidoError(f"{where}.{name} must be an array, not {_kind(value)}")
    return value


def _objects(eido: dict[Any, Any], name: str) -> list[dict[Any, Any]]:
    items = _list(eido, name, "EIDO")
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise EidoError(f"{name}[{i}] must be an object, not {_kind(item)}")
    return items


def _reference(value: Any, where: str) -> str:
    """The $id a `{"$ref": …}` points to (the earlier draft wrote the id bare)."""
    if isinstance(value, dict):
        value = _get(value, "$ref")
    if not isinstance(value, str) or not value.strip():
        raise EidoError(f'{where} must be {{"$ref": "<$id>"}}, not {_kind(value)}')
    return value.strip()


def _resolve(components: dict[str, Any], value: Any, where: str) -> dict[Any, Any]:
    target = _reference(value, where)
    if target not in components:
        raise EidoError(f"{where} points to {target!r}, which no component has as $id")
    found: dict[Any, Any] = components[target]
    return found


def _kind(value: Any) -> str:
    if value is None:
        return "null (missing)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return "a string" if isinstance(value, str) else type(value).__name__


# --- Schema ------------------------------------------------------------------------


def validate_eido(document: Any) -> list[str]:
    """What the published schema finds wrong, as `$.path: message` lines; [] if valid.

    Draft 4 semantics, as OpenAPI 3.0 has them: a `$ref`'s sibling keywords are
    ignored. `date-time` must be RFC 3339 with an offset; a `uri` must have a scheme.
    """
    errors = _validator().iter_errors(document)
    return sorted(f"{error.json_path}: {error.message}" for error in errors)


@functools.cache
def _validator() -> Draft4Validator:
    checker = FormatChecker(formats=())
    checker.checks("date-time")(_is_date_time)
    checker.checks("uri")(_is_uri)
    root = (SCHEMA_DIR / "openapi.yaml").as_uri()
    return Draft4Validator(
        {"$ref": root + ROOT_TYPE}, registry=schema_registry(), format_checker=checker
    )


@functools.cache
def schema_registry() -> Registry[Any]:
    """openapi.yaml, with the NIEM component files loaded on first reference."""
    root = SCHEMA_DIR / "openapi.yaml"
    # referencing's attrs classes are opaque to mypy: their keywords and return types.
    registry = Registry(retrieve=_retrieve)  # type: ignore[call-arg]
    return cast("Registry[Any]", registry.with_resource(root.as_uri(), _resource(root)))


def _retrieve(uri: str) -> Resource[Any]:
    """Schema files from eido_schema/ only; the schema never reaches the network."""
    parts = urlsplit(uri)
    path = Path(url2pathname(parts.path)).resolve()
    if parts.scheme != "file" or SCHEMA_DIR.resolve() not in path.parents:
        raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # opaque attrs, as above
    return _resource(path)


@functools.cache
def _resource(path: Path) -> Resource[Any]:
    return DRAFT4.create_resource(_repair(_load_yaml(path), path.parent))


@functools.cache
def _load_yaml(path: Path) -> Any:
    # libyaml's safe loader when built with it (ten times faster on NIEM's 3 MB).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506


# Count keywords written as strings: openapi.yaml has `minItems: 1,` on
# AgentType.agentRoleRegistryText, which would make every validation crash.
_COUNTS = ("minItems", "maxItems", "minLength", "maxLength", "minProperties")


def _repair(node: Any, folder: Path) -> Any:
    """The published files with their two defects mended: a count keyword given as a
    string, and a `$ref` into a file NENA does not publish (nc.yaml's
    TelephoneNumber category points at xCard.yaml), which becomes "anything"."""
    if isinstance(node, list):
        return [_repair(item, folder) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    target = ref.split("#", 1)[0] if isinstance(ref, str) else ""
    if target and not (folder / target).is_file():
        return {"description": f"{ref} is not published; anything is accepted"}
    mended = {key: _repair(value, folder) for key, value in node.items()}
    for key in _COUNTS:
        digits = (
            re.match(r"\d+", mended[key]) if isinstance(mended.get(key), str) else None
        )
        if digits:
            mended[key] = int(digits.group())
    return mended


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    pattern = r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)"
    if not re.fullmatch(pattern, value):
        return False
    try:
        datetime.fromisoformat(value.upper())
    except ValueError:
        return False
    return True


def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(
        re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+", value)
    )
