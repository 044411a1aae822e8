"""An incident's timeline in words an operator reads, built from the event log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from siaga.events.models import Event
from siaga.incidents.models import IncidentStatus
from siaga.intake.models import Classification

ACTION_LABELS = {
    "incident.opened": _("Insiden dibuka"),
    "incident.updated": _("Data insiden diubah"),
    "incident.note_added": _("Catatan:"),
    "dispatch.accepted": _("Diterima oleh"),
    "dispatch.declined": _("Ditolak oleh"),
    "dispatch.en_route": _("Menuju lokasi:"),
    "dispatch.on_scene": _("Tiba di lokasi:"),
    "dispatch.handled": _("Selesai ditangani:"),
    "dispatch.assistance_requested": _("Minta bantuan OPD lain:"),
    "incident.status_changed": _("Status menjadi"),
    "dispatch.sent": _("Diteruskan ke"),
    "dispatch.acknowledged": _("Dikonfirmasi oleh"),
    "dispatch.escalated": _("Batas konfirmasi terlewati:"),
    "contact.classified": _("Kontak diklasifikasi sebagai"),
    "contact.linked": _("Kontak ditautkan"),
    "referral.sent": _("Dirujuk ke"),
    "referral.received": _("Rujukan masuk dari"),
    "referral.acknowledged": _("Rujukan dikonfirmasi oleh"),
    "referral.accepted": _("Rujukan diterima oleh"),
    "referral.declined": _("Rujukan ditolak oleh"),
    "referral.cancelled": _("Rujukan dibatalkan:"),
    "referral.timed_out": _("Rujukan tidak dikonfirmasi tepat waktu:"),
    "referral.delivery_failed": _("Rujukan elektronik gagal terkirim ke"),
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    text: str


def describe(event: Event) -> str:
    label = str(ACTION_LABELS.get(event.action, event.action))
    after = event.after or {}
    if (
        event.action == "incident.status_changed"
        and after.get("status") in IncidentStatus
    ):
        detail = str(IncidentStatus(after["status"]).label)
        reason = f" ({after['reason']})" if after.get("reason") else ""
        return f"{label} {detail}{reason}"
    if event.action == "incident.note_added":
        return f"{label} {after.get('text', '')}"
    if event.action.startswith("dispatch."):
        agency = event.target_label.rpartition(" → ")[2]
        note = after.get("note") or ""
        extra = f" → {after['agency']}" if after.get("agency") else ""
        return f"{label} {agency}{extra}" + (f" ({note})" if note else "")
    if event.action.startswith("referral."):
        reason = f" ({after['reason']})" if after.get("reason") else ""
        return f"{label} {after.get('neighbour', '')}{reason}"
    if (
        event.action == "contact.classified"
        and after.get("classification") in Classification
    ):
        return f"{label} {Classification(after['classification']).label}"
    return label


def timeline(incident_id: int) -> list[TimelineEntry]:
    return [
        TimelineEntry(at=event.created_at, actor=event.actor_name, text=describe(event))
        for event in Event.objects.for_incident(incident_id)
    ]
