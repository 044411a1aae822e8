"""What the room console proposes for a message: open incidents and other reports about
the same thing, near in place and time, with similar words.

One fallen tree is reported by a call, two WhatsApp chats and an app report; linking
them makes one incident with every source attached. A message's point is its own fix,
else the first place its words name (Pasar Anyar, Kel. Sukasari…).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from rapidfuzz import fuzz

from siaga.areas.search import search_places
from siaga.incidents.models import Incident
from siaga.intake.models import Channel, Contact
from siaga.lib.geo import distance_m

WINDOW = timedelta(hours=6)
NEAR_M = 1_500
SIMILAR = 60  # rapidfuzz token_set_ratio, 0–100
LIMIT = 5
SCAN = 300


@dataclass(frozen=True)
class Proposal:
    """An incident or a message, and why it is proposed."""

    incident: Incident | None
    contact: Contact | None
    distance_m: int | None
    similarity: int

    @property
    def is_near(self) -> bool:
        return self.distance_m is not None and self.distance_m <= NEAR_M


def point_of(contact: Contact) -> tuple[float, float] | None:
    if contact.lat is not None and contact.lon is not None:
        return contact.lat, contact.lon
    # Residents' words stay here: the local gazetteer only, never an outside geocoder.
    for hit in search_places(f"{contact.note} {contact.text}"[:100], outside=False):
        if hit.lat is not None and hit.lon is not None:
            return hit.lat, hit.lon
    return None


def _distance(
    point: tuple[float, float] | None, lat: float | None, lon: float | None
) -> int | None:
    if point is None or lat is None or lon is None:
        return None
    return round(distance_m(point[0], point[1], lat, lon))


def _similarity(text: str, other: str) -> int:
    if not text.strip() or not other.strip():
        return 0
    return round(fuzz.token_set_ratio(text.lower(), other.lower()))


def _ranked(found: list[Proposal]) -> list[Proposal]:
    kept = [p for p in found if p.is_near or p.similarity >= SIMILAR]
    kept.sort(key=lambda p: (not p.is_near, -p.similarity, p.distance_m or 0))
    return kept[:LIMIT]


Point = tuple[float, float] | None


def proposals_for(contact: Contact) -> tuple[list[Proposal], list[Proposal]]:
    """(open incidents, other messages) that may be about the same thing; the
    message's point is worked out once for both."""
    point = point_of(contact)
    return incident_proposals(contact, point), message_proposals(contact, point)


def incident_proposals(contact: Contact, point: Point) -> list[Proposal]:
    since = contact.received_at - WINDOW
    incidents = (
        Incident.objects.open()
        .filter(opened_at__gte=since)
        .select_related("category")
        .order_by("-opened_at")[:SCAN]
    )
    return _ranked(
        [
            Proposal(
                incident=incident,
                contact=None,
                distance_m=_distance(point, incident.lat, incident.lon),
                similarity=_similarity(
                    f"{contact.note} {contact.text}",
                    f"{incident.category.name} {incident.description} "
                    f"{incident.address}",
                ),
            )
            for incident in incidents
            if incident.pk != contact.incident_id
        ]
    )


def message_proposals(contact: Contact, point: Point) -> list[Proposal]:
    """Other people's messages about the same thing, not yet part of an incident."""
    around = (contact.received_at - WINDOW, contact.received_at + WINDOW)
    others = (
        Contact.objects.unclassified()
        .filter(received_at__range=around)
        .exclude(pk=contact.pk)
        .exclude(channel__in=[Channel.CALL, Channel.AML])
        .select_related("caller")
        .order_by("-received_at")[:SCAN]
    )
    return _ranked(
        [
            Proposal(
                incident=None,
                contact=other,
                distance_m=_distance(point, other.lat, other.lon),
                similarity=_similarity(
                    f"{contact.note} {contact.text}", f"{other.note} {other.text}"
                ),
            )
            for other in others
            if other.caller_id is None or other.caller_id != contact.caller_id
        ]
    )
