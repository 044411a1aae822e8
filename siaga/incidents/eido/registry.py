"""The registries and identifiers an EIDO speaks in, both ways: our categories,
statuses and priorities in NENA's terms, i3 identifiers and time stamps."""

from __future__ import annotations

import functools
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone

from siaga.incidents.eido.schema import SCHEMA_DIR, _load_yaml
from siaga.incidents.models import Category, Incident, IncidentStatus
from siaga.intake.models import CallState

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


def _timestamp(at: datetime) -> str:
    """ISO 8601 with the WIB offset: `2026-12-04T10:00:00.000+07:00`."""
    return timezone.localtime(at).isoformat(timespec="milliseconds")
