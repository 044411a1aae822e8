"""A neighbour's EIDO read in: `parse_requested_incident`."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.html import strip_tags

from siaga.incidents.eido.errors import EidoError
from siaga.incidents.eido.keys import (
    _get,
    _kind,
    _list,
    _objects,
    _reference,
    _resolve,
    _text,
)
from siaga.incidents.eido.pidf import Whereabouts, parse_pidf_lo
from siaga.incidents.eido.registry import our_priority
from siaga.lib import phone

# Where the incident is, most telling first; other types (Caller, RoutingLocation…)
# follow in document order.
_LOCATION_TYPES = ("currentincident", "initialincident")
_GEO_URI = re.compile(
    r"geo:(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)"  # latitude, longitude
    r"(?:,-?\d+(?:\.\d+)?)?(?:;u=(\d+(?:\.\d+)?))?",  # altitude, uncertainty
    re.IGNORECASE,
)
_LAT_LON = re.compile(r"(-?\d{1,2}\.\d{3,})\s*,\s*(-?\d{1,3}\.\d{3,})")
_BREAK = re.compile(r"<br\s*/?>|</p\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class RequestedIncident:
    """What a neighbouring centre asks us to handle, read from its EIDO.

    `category_code` and `category_text` are the sender's own incidentTypeInternalCode
    and incidentTypeInternalText (the text falls back to the code). `priority` is on
    our scale (1 critical … 5). `callback_number` is E.164 when it parses as a number
    (one without a country code is read as Indonesian, as our own callers' are), else
    as sent.
    """

    incident_id: str
    incident_type: str
    category_code: str
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
        category_code=_text(incident, "incidentTypeInternalCode", "incidentComponent"),
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
