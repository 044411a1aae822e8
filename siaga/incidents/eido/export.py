"""An incident out as an EIDO: `incident_to_eido`."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import translation
from django.utils.html import escape

from siaga.agencies.models import Agency
from siaga.areas.models import Area, AreaKind
from siaga.dispatching.models import Dispatch, DispatchStatus
from siaga.incidents.eido.pidf import pidf_lo
from siaga.incidents.eido.registry import (
    AGENCY_TYPES,
    CALL_STATES,
    INCIDENT_STATUSES,
    _timestamp,
    common_priority,
    eido_fqdn,
    incident_i3_id,
    incident_type_for,
)
from siaga.incidents.models import Category, Incident
from siaga.intake.models import CallerKind, Channel, Contact
from siaga.lib import phone

EIDO_VERSION = "1.0"
# Contacts over the telephone network become calls; app and social-media messages stay
# out (their handles are no business of another centre).
CALL_CHANNELS = (Channel.CALL, Channel.SMS)
# The EIDO dispatch component has no status: a refused dispatch would read as working.
UNSENT_DISPATCHES = (DispatchStatus.DECLINED, DispatchStatus.CANCELLED)


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
        if (
            category.shares_caller_number
            and caller
            and caller.kind == CallerKind.PHONE
            and not caller.is_forgotten
        ):
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
