"""Actions on incidents: open, edit, move through the status machine."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from siaga.areas.locate import locate
from siaga.areas.models import Landmark
from siaga.events.log import append_event, changes, snapshot
from siaga.incidents.models import (
    Category,
    Incident,
    IncidentCounter,
    IncidentStatus,
    PaperBlock,
    incident_number,
)
from siaga.lib.errors import Conflict, IllegalTransition, InvalidInput

if TYPE_CHECKING:
    from siaga.accounts.models import User
    from siaga.agencies.models import Agency
    from siaga.intake.models import Contact

# Statuses reached only through their own action, never by a plain status change.
STATUSES_WITH_OWN_ACTION: dict[str, str] = {
    IncidentStatus.DISPATCHED: "dispatch it to an agency",
    IncidentStatus.MERGED: "merge it into another incident",
    IncidentStatus.REFERRED: "refer it to a neighbouring centre",
}
EDITABLE_FIELDS = ("category", "priority", "description", "people_count")
LOCATION_FIELDS = (
    "lat",
    "lon",
    "uncertainty_m",
    "address",
    "landmark",
    "kelurahan",
    "kecamatan",
    "jurisdiction",
)
ENDED = frozenset(
    {IncidentStatus.CLOSED, IncidentStatus.CANCELLED, IncidentStatus.MERGED}
)


@dataclass(frozen=True)
class Place:
    """Where the caller says it is: a point and its uncertainty, words, a landmark."""

    lat: float | None = None
    lon: float | None = None
    uncertainty_m: int | None = None
    address: str = ""
    landmark: Landmark | None = None

    def point(self) -> tuple[float, float] | None:
        if self.lat is not None and self.lon is not None:
            return self.lat, self.lon
        if self.landmark is not None:
            return self.landmark.lat, self.landmark.lon
        return None


def next_incident_number(at: datetime) -> str:
    """`TNG-20261204-0042`: city code, WIB date, this server's share of the day.

    Server k of n takes k, k+n, k+2n…; the counter row is locked for the transaction.
    """
    day = timezone.localdate(at)
    node, count = settings.SIAGA_NODE_INDEX, settings.SIAGA_NODE_COUNT
    counter, _ = IncidentCounter.objects.select_for_update().get_or_create(
        day=day, node=node
    )
    IncidentCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    sequence = (counter.last - 1) * count + node
    return incident_number(day, sequence)


PAPER_NUMBER = re.compile(r"^(?P<city>[A-Z0-9]+)-(?P<day>\d{8})-(?P<sequence>\d{4,6})$")
MOST_PAPER_FORMS = 200


@transaction.atomic
def reserve_paper_numbers(*, day: date, count: int, actor: User | None) -> PaperBlock:
    """Set `count` of the day's incident numbers aside for paper forms: the counter
    moves past them, so the system's own numbers continue after the block."""
    if not 1 <= count <= MOST_PAPER_FORMS:
        raise InvalidInput(f"between 1 and {MOST_PAPER_FORMS} forms", field="count")
    node, step = settings.SIAGA_NODE_INDEX, settings.SIAGA_NODE_COUNT
    counter, _ = IncidentCounter.objects.select_for_update().get_or_create(
        day=day, node=node
    )
    IncidentCounter.objects.filter(pk=counter.pk).update(last=F("last") + count)
    block = PaperBlock.objects.create(
        day=day,
        node=node,
        first_sequence=counter.last * step + node,
        step=step,
        count=count,
        reserved_at=timezone.now(),
        reserved_by=actor,
    )
    numbers = block.numbers()
    append_event(
        actor=actor,
        action="paper.reserved",
        target=block,
        after={"day": day.isoformat(), "first": numbers[0], "last": numbers[-1]},
    )
    return block


def paper_number(number: str, opened_at: datetime | None) -> str:
    """A number printed on a paper form, checked: set aside, and the form's time on
    its day (or the night after: an outage may run past midnight), not in the future."""
    found = PAPER_NUMBER.match(number.strip())
    if found is None or found["city"] != settings.SIAGA_CITY_CODE:
        raise InvalidInput(
            f"{number[:40]!r} is not an incident number", field="paper_number"
        )
    day = datetime.strptime(found["day"], "%Y%m%d").date()  # noqa: DTZ007 (a date)
    blocks = PaperBlock.objects.filter(day=day)
    if not any(int(found["sequence"]) in block.sequences() for block in blocks):
        raise InvalidInput(
            f"{number} was not set aside for paper forms", field="paper_number"
        )
    if opened_at is None:
        raise InvalidInput("give the time written on the form", field="opened_at")
    local = timezone.localdate(opened_at)
    if not day <= local <= day + timedelta(days=1) or opened_at > timezone.now():
        raise InvalidInput(
            "the form's time does not fit its number's day", field="opened_at"
        )
    printed = incident_number(day, int(found["sequence"]))
    if Incident.objects.filter(number=printed).exists():
        raise Conflict(f"the form {printed} has already been entered")
    return printed


@transaction.atomic
def enter_paper_form(
    *,
    number: str,
    opened_at: datetime,
    channel: str,
    caller: str,
    category: Category,
    description: str = "",
    address: str = "",
    people_count: int | None = None,
    priority: int | None = None,
    agencies: Sequence[Agency] = (),
    actor: User | None,
) -> Incident:
    """A paper form filled in while no server answered, entered afterwards: the contact
    it records (every call is kept) and the incident under the form's printed number
    and time, with the dispatches the form ticked."""
    from siaga.intake.actions import classify_contact, record_contact

    # open_incident checks the number; a refused form rolls the contact back with it.
    contact, _ = record_contact(
        channel=channel,
        sender=caller,
        received_at=opened_at,
        note=f"formulir kertas {number}",
        actor=actor,
    )
    incident = open_incident(
        category=category,
        description=description,
        priority=priority,
        people_count=people_count,
        place=Place(address=address) if address else None,
        contacts=[contact],
        agencies=agencies,
        actor=actor,
        paper=number,
        opened_at=opened_at,
    )
    contact.refresh_from_db()
    classify_contact(contact, classification="emergency", actor=actor)
    return incident


@transaction.atomic
def open_incident_from_contacts(
    *, contacts: Sequence[Contact], actor: User | None, **fields: Any
) -> Incident:
    """Open an incident from the contacts that reported it, as the console's one form
    does: linked, and those not yet classified classified as emergencies (else they
    would wait in the queue with their incident already open)."""
    from siaga.intake.actions import classify_contact
    from siaga.intake.models import Classification
    from siaga.intake.models import Contact as Contacts

    incident = open_incident(contacts=contacts, actor=actor, **fields)
    waiting = Contacts.objects.filter(
        pk__in=[c.pk for c in contacts], classification=Classification.UNCLASSIFIED
    )
    for contact in waiting:
        classify_contact(contact, classification=Classification.EMERGENCY, actor=actor)
    return incident


def place_fields(place: Place | None) -> dict[str, Any]:
    """The incident's location columns for a
    place, with the areas its point falls in."""
    if place is None:
        return dict.fromkeys(LOCATION_FIELDS) | {"address": ""}
    if (place.lat is None) != (place.lon is None):
        raise InvalidInput(
            "give both latitude and longitude, or neither", field="location"
        )
    point = place.point()
    located = locate(*point) if point else None
    return {
        "lat": point[0] if point else None,
        "lon": point[1] if point else None,
        "uncertainty_m": place.uncertainty_m,
        "address": place.address,
        "landmark": place.landmark,
        "kelurahan": located.kelurahan if located else None,
        "kecamatan": located.kecamatan if located else None,
        "jurisdiction": located.jurisdiction if located else None,
    }


@transaction.atomic
def open_incident(
    *,
    category: Category,
    description: str = "",
    priority: int | None = None,
    people_count: int | None = None,
    place: Place | None = None,
    contacts: Sequence[Contact] = (),
    agencies: Sequence[Agency] = (),
    actor: User | None,
    paper: str = "",
    opened_at: datetime | None = None,
) -> Incident:
    """Open an incident, link the contacts that reported it, and dispatch it if asked.

    `paper`: the number printed on a paper form filled in while no server answered,
    with `opened_at` the time written on it; the incident keeps both."""
    from siaga.dispatching.actions import dispatch_incident
    from siaga.intake.actions import link_contact

    if not category.is_active:
        raise InvalidInput(
            f"category {category.code} is no longer in use", field="category"
        )
    _lock_contacts(contacts)
    now = timezone.now()
    if opened_at is not None and not paper:
        raise InvalidInput("only a paper form brings its own time", field="opened_at")
    number = paper_number(paper, opened_at) if paper else next_incident_number(now)
    incident = Incident(
        number=number,
        category=category,
        priority=priority or category.default_priority,
        description=description,
        people_count=people_count,
        opened_by=actor,
        opened_at=opened_at or now,
        updated_at=now,
        **place_fields(place),
    )
    incident.full_clean(exclude=["number", "opened_by"])
    incident.save()
    append_event(
        actor=actor,
        action="incident.opened",
        target=incident,
        after=snapshot(incident) | ({"paper_form": True} if paper else {}),
        incident=incident,
    )
    for contact in contacts:
        link_contact(contact, incident=incident, actor=actor)
    for agency in agencies:
        dispatch_incident(incident, agency=agency, actor=actor)
    return incident


@transaction.atomic
def update_incident(
    incident: Incident,
    *,
    fields: dict[str, Any],
    place: Place | None = None,
    change_place: bool = False,
    actor: User | None,
) -> Incident:
    """Change what is known about an incident:
    category, priority, words, people, place."""
    incident = _locked(incident)
    if incident.status in ENDED:
        raise IllegalTransition(
            f"incident {incident.number} is {incident.status}; reopen it first"
        )
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(sorted(unknown))}")
    before = snapshot(incident)
    values = dict(fields) | (place_fields(place) if change_place else {})
    for name, value in values.items():
        setattr(incident, name, value)
    incident.full_clean(exclude=["number", "opened_by"])
    old, new = changes(before, snapshot(incident))
    if not new:
        return incident
    incident.updated_at = timezone.now()
    incident.save()
    append_event(
        actor=actor,
        action="incident.updated",
        target=incident,
        before=old,
        after=new,
        incident=incident,
    )
    return incident


@transaction.atomic
def change_incident_status(
    incident: Incident, *, status: str, reason: str = "", actor: User | None
) -> Incident:
    """Move an incident along ALLOWED_TRANSITIONS;
    anything else is refused, nothing changes."""
    if status not in IncidentStatus.values:
        raise InvalidInput(f"unknown status {status!r}", field="status")
    if status in STATUSES_WITH_OWN_ACTION:
        raise IllegalTransition(
            f"to mark it {status}, {STATUSES_WITH_OWN_ACTION[status]}"
        )
    if status == IncidentStatus.CANCELLED and not reason.strip():
        raise InvalidInput("say why the incident is cancelled", field="reason")
    return move_incident(incident, status=status, reason=reason, actor=actor)


def move_incident(
    incident: Incident, *, status: str, reason: str = "", actor: User | None
) -> Incident:
    """The transition itself, shared by the actions that move incidents (dispatch,
    merge…).

    A conditional update: if someone moved the incident first, this one is refused.
    """
    if not incident.can_move_to(status):
        raise IllegalTransition(
            f"incident {incident.number} cannot go from {incident.status} to {status}"
        )
    now = timezone.now()
    closed_at = now if status in ENDED else None
    moved = Incident.objects.filter(pk=incident.pk, status=incident.status).update(
        status=status, updated_at=now, closed_at=closed_at
    )
    if not moved:
        raise Conflict(
            f"incident {incident.number} was changed by someone else; reload it"
        )
    old_status = incident.status
    incident.status, incident.updated_at, incident.closed_at = status, now, closed_at
    after: dict[str, Any] = {"status": status} | ({"reason": reason} if reason else {})
    append_event(
        actor=actor,
        action="incident.status_changed",
        target=incident,
        before={"status": old_status},
        after=after,
        incident=incident,
    )
    return incident


def _lock_contacts(contacts: Sequence[Contact]) -> None:
    """Rows first, then the event log's commit-order lock (see events.log)."""
    from siaga.intake.models import Contact

    list(Contact.objects.select_for_update().filter(pk__in=[c.pk for c in contacts]))


def _locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update().get(pk=incident.pk)


@transaction.atomic
def add_incident_note(incident: Incident, *, text: str, actor: User | None) -> None:
    """A note on the incident's timeline: what a caller added, what a unit reported."""
    text = text.strip()
    if not text:
        raise InvalidInput("write the note first", field="text")
    if "\x00" in text or len(text) > 2000:
        raise InvalidInput(
            "a note is plain text of at most 2000 characters", field="text"
        )
    append_event(
        actor=actor,
        action="incident.note_added",
        target=incident,
        after={"text": text},
        incident=incident,
    )


@transaction.atomic
def export_incident_record(incident: Incident, *, actor: User) -> dict[str, Any]:
    """An incident's record with its chain proof (siaga.events.audit), and the export
    itself written in the log (who took the record out, and when)."""
    from siaga.events.audit import incident_record

    record = incident_record(incident, exported_by=actor.get_username())
    append_event(
        actor=actor,
        action="incident.record_exported",
        target=incident,
        after={
            "events": len(record["events"]),
            "head": (record["head"] or {}).get("hash"),
        },
        incident=incident,
    )
    return record
