"""What a resident's tracking link shows: the stage of their report, nothing personal.

The stage comes from the contact and its incident (following a merge): received,
forwarded to the agency, a unit on the way or on scene, handled. It stops at closure:
a closed, cancelled or referred incident is a final stage and the page stops refreshing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from siaga.incidents.models import Incident, IncidentStatus
from siaga.intake.models import Classification, Contact

S = IncidentStatus
STAGES: list[tuple[str, Promise]] = [
    ("received", _("Laporan diterima")),
    ("forwarded", _("Diteruskan ke petugas")),
    ("on_the_way", _("Petugas menuju / di lokasi")),
    ("handled", _("Selesai ditangani")),
]
STAGE_OF_STATUS = {
    S.NEW: "received",
    S.DISPATCHED: "forwarded",
    S.ACKNOWLEDGED: "forwarded",
    S.EN_ROUTE: "on_the_way",
    S.ON_SCENE: "on_the_way",
    S.RESOLVED: "handled",
    S.CLOSED: "handled",
}
FINAL_STATUSES = frozenset({S.CLOSED, S.CANCELLED, S.REFERRED})


@dataclass(frozen=True)
class Tracking:
    stage: str
    reached: int  # how many of STAGES are done
    note: Promise | str
    category: str
    number: str
    updated_at: datetime
    is_final: bool


def surviving(incident: Incident) -> Incident:
    seen = 0
    while incident.merged_into is not None and seen < 10:
        incident, seen = incident.merged_into, seen + 1
    return incident


def tracking_of(contact: Contact) -> Tracking:
    if contact.incident is None:
        return _without_incident(contact)
    incident = surviving(contact.incident)
    stage = STAGE_OF_STATUS.get(IncidentStatus(incident.status), "received")
    note: Promise | str = ""
    if incident.status == S.REFERRED:
        note = _("Kejadian ini ditangani pusat 112 wilayah tetangga.")
    elif incident.status == S.CANCELLED:
        note = _("Laporan ini dibatalkan oleh operator.")
    return Tracking(
        stage=stage,
        reached=[code for code, _label in STAGES].index(stage) + 1,
        note=note,
        category=str(incident.category.name),
        number=incident.number,
        updated_at=incident.updated_at,
        is_final=incident.status in FINAL_STATUSES,
    )


def _without_incident(contact: Contact) -> Tracking:
    kind = contact.classification
    note: Promise | str = _("Operator sedang memeriksa laporan Anda.")
    final = kind != Classification.UNCLASSIFIED
    if kind == Classification.NON_EMERGENCY:
        note = _(
            "Bukan keadaan darurat: diteruskan ke kanal aduan kota, nomor rujukan "
            "%(ref)s."
        ) % {"ref": contact.deflection_reference}
    elif kind == Classification.INFORMATION:
        note = _("Permintaan informasi: sudah dijawab operator.")
    elif final:
        note = _("Laporan ini sudah ditutup oleh operator.")
    return Tracking(
        stage="received",
        reached=1,
        note=note,
        category=contact.category_hint.name if contact.category_hint else "",
        number="",
        updated_at=contact.classified_at or contact.received_at,
        is_final=final,
    )
