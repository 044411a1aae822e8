"""NENA EIDO 1.0 (NENA-STA-021.1b): an incident out to a neighbouring 112 centre, a
neighbour's `requestForService` read in, and both checked against the published schema.

`incident_to_eido` only reads the ORM. `parse_requested_incident` accepts the spelling
slips the schema itself invites and raises `EidoError` for anything it cannot use.
`validate_eido` validates against `eido_schema/` (NENA911/EIDO-JSON @7f62055), external
`$ref`s into the NIEM components resolved from the same folder.
See shared/reference/standards.md §2 (EIDO) and §4.1 (PIDF-LO).

- `export`: the incident out (`incident_to_eido`);
- `inbound`: a neighbour's request read in (`parse_requested_incident`);
- `keys`: properties read under any spelling the schema invites;
- `pidf`: PIDF-LO built and parsed;
- `registry`: categories, statuses and priorities in NENA's terms, i3 identifiers;
- `schema`: validation against `eido_schema/`;
- `errors`: `EidoError`.
"""

from __future__ import annotations

from siaga.incidents.eido.errors import EidoError
from siaga.incidents.eido.export import (
    CALL_CHANNELS,
    EIDO_VERSION,
    UNSENT_DISPATCHES,
    incident_to_eido,
    location_text,
)
from siaga.incidents.eido.inbound import RequestedIncident, parse_requested_incident
from siaga.incidents.eido.pidf import (
    CRS_2D,
    GBP,
    GML,
    GP,
    GS,
    MAX_PIDF_LO_CHARS,
    METRES,
    PIDF,
    Whereabouts,
    parse_pidf_lo,
    pidf_lo,
)
from siaga.incidents.eido.registry import (
    AGENCY_TYPES,
    CALL_STATES,
    CATEGORY_INCIDENT_TYPES,
    FALLBACK_INCIDENT_TYPE,
    INCIDENT_STATUSES,
    apco_incident_types,
    common_priority,
    eido_fqdn,
    incident_i3_id,
    incident_type_for,
    our_priority,
)
from siaga.incidents.eido.schema import (
    ROOT_TYPE,
    SCHEMA_DIR,
    schema_registry,
    validate_eido,
)

__all__ = [
    "AGENCY_TYPES",
    "CALL_CHANNELS",
    "CALL_STATES",
    "CATEGORY_INCIDENT_TYPES",
    "CRS_2D",
    "EIDO_VERSION",
    "FALLBACK_INCIDENT_TYPE",
    "GBP",
    "GML",
    "GP",
    "GS",
    "INCIDENT_STATUSES",
    "MAX_PIDF_LO_CHARS",
    "METRES",
    "PIDF",
    "ROOT_TYPE",
    "SCHEMA_DIR",
    "UNSENT_DISPATCHES",
    "EidoError",
    "RequestedIncident",
    "Whereabouts",
    "apco_incident_types",
    "common_priority",
    "eido_fqdn",
    "incident_i3_id",
    "incident_to_eido",
    "incident_type_for",
    "location_text",
    "our_priority",
    "parse_pidf_lo",
    "parse_requested_incident",
    "pidf_lo",
    "schema_registry",
    "validate_eido",
]
