"""The figures a supervisor shows the mayor: counts and response times over a period.

Counts come from the rows; times from the moments the actions recorded. Where a row
keeps the moment (a contact's ring and answer, an incident's opening, a dispatch's
sending and acknowledgement) the column is read: the action wrote it in the same
transaction as its event, so it is the event's moment. Moments no row keeps (a
dispatch reaching the scene, an incident handled) are read from the event log.

Scope: everything, or one agency (the incidents dispatched to it and their contacts).
Merged incidents (duplicates folded into another) are not counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy
from django.db.models import CharField, Count, Min, QuerySet
from django.db.models.functions import Cast, ExtractHour, ExtractIsoWeekDay

from siaga.agencies.models import Agency
from siaga.areas.locate import Located, locate_many
from siaga.dispatching.models import Dispatch
from siaga.events.models import Event
from siaga.incidents.models import Incident, IncidentStatus
from siaga.intake.models import Channel, Contact
from siaga.lib.fields import WIB
from siaga.stats.period import Period

# NENA's call answering standard: 90 % within 15 s, 95 % within 20 s.
ANSWER_TARGETS = (15, 20)
HANDLED = (IncidentStatus.RESOLVED, IncidentStatus.CLOSED)


@dataclass(frozen=True)
class Spread:
    """How long something took, in seconds, over `count` cases."""

    count: int
    median: float | None
    p90: float | None


def spread(seconds: Iterable[float]) -> Spread:
    """Median and 90th percentile, by linear interpolation between the closest ranks
    (numpy's default; the same on every database)."""
    values = numpy.array(list(seconds), dtype=float)
    if not len(values):
        return Spread(0, None, None)
    median, p90 = numpy.percentile(values, [50, 90])
    return Spread(len(values), round(float(median), 1), round(float(p90), 1))


@dataclass(frozen=True)
class Scope:
    incidents: QuerySet[Incident]
    contacts: QuerySet[Contact]
    dispatches: QuerySet[Dispatch]


def scope(period: Period, agency: Agency | None = None) -> Scope:
    incidents = Incident.objects.filter(
        opened_at__gte=period.start, opened_at__lt=period.end
    ).exclude(status=IncidentStatus.MERGED)
    contacts = Contact.objects.filter(
        received_at__gte=period.start, received_at__lt=period.end
    )
    dispatches = Dispatch.objects.filter(
        sent_at__gte=period.start, sent_at__lt=period.end
    )
    if agency is not None:
        incidents = incidents.filter(dispatches__agency=agency).distinct()
        mine = Dispatch.objects.filter(agency=agency).values("incident_id")
        contacts = contacts.filter(incident__in=mine)
        dispatches = dispatches.filter(agency=agency)
    return Scope(incidents, contacts, dispatches)


def grouped(rows: QuerySet[Incident] | QuerySet[Contact], field: str) -> dict[str, int]:
    """{value: count} of one field, largest first; an empty value as "-"."""
    found = rows.order_by().values(field).annotate(n=Count("pk", distinct=True))
    pairs = [(str(row[field] or "-"), int(row["n"])) for row in found]
    return dict(sorted(pairs, key=lambda pair: (-pair[1], pair[0])))


def by_hour_and_weekday(
    rows: QuerySet[Incident] | QuerySet[Contact], field: str
) -> tuple[list[int], list[int]]:
    """Counts per WIB hour (0–23) and per weekday (Monday first), grouped in SQL."""
    hours, weekdays = [0] * 24, [0] * 7
    plain = rows.order_by()
    counted = Count("pk", distinct=rows.query.distinct)  # a join may repeat a row
    for row in (
        plain.annotate(h=ExtractHour(field, tzinfo=WIB)).values("h").annotate(n=counted)
    ):
        hours[row["h"]] += row["n"]
    weekday = ExtractIsoWeekDay(field, tzinfo=WIB)  # 1 = Monday
    for row in plain.annotate(d=weekday).values("d").annotate(n=counted):
        weekdays[row["d"] - 1] += row["n"]
    return hours, weekdays


@dataclass(frozen=True)
class Counts:
    contacts: int
    incidents: int
    by_channel: dict[str, int]
    by_classification: dict[str, int]
    by_category: dict[str, int]
    by_agency: dict[str, int]
    by_kecamatan: dict[str, int]
    by_kelurahan: dict[str, int]
    contacts_by_hour: list[int]
    contacts_by_weekday: list[int]
    incidents_by_hour: list[int]
    incidents_by_weekday: list[int]


def counts(period: Period, agency: Agency | None = None) -> Counts:
    rows = scope(period, agency)
    contact_hours = by_hour_and_weekday(rows.contacts, "received_at")
    incident_hours = by_hour_and_weekday(rows.incidents, "opened_at")
    return Counts(
        contacts=rows.contacts.count(),
        incidents=rows.incidents.count(),
        by_channel=grouped(rows.contacts, "channel"),
        by_classification=grouped(rows.contacts, "classification"),
        by_category=grouped(rows.incidents, "category__code"),
        by_agency=grouped(rows.incidents, "dispatches__agency__code"),
        by_kecamatan=grouped(rows.incidents, "kecamatan__name"),
        by_kelurahan=grouped(rows.incidents, "kelurahan__name"),
        contacts_by_hour=contact_hours[0],
        contacts_by_weekday=contact_hours[1],
        incidents_by_hour=incident_hours[0],
        incidents_by_weekday=incident_hours[1],
    )


@dataclass(frozen=True)
class Timings:
    ring_to_answer: Spread
    answered_within: dict[int, float | None]  # seconds → share of answered calls
    abandoned_calls: int
    answer_to_incident: Spread
    incident_to_dispatch: Spread
    dispatch_to_acknowledge: dict[str, Spread]  # per agency code
    dispatch_to_on_scene: Spread
    total_handling: Spread


def seconds(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds()


def timings(period: Period, agency: Agency | None = None) -> Timings:
    rows = scope(period, agency)
    calls = rows.contacts.filter(channel=Channel.CALL)
    waits = [
        seconds(answered, rang)
        for rang, answered in calls.values_list("received_at", "answered_at")
        if answered is not None
    ]
    return Timings(
        ring_to_answer=spread(waits),
        answered_within={
            limit: round(sum(w <= limit for w in waits) / len(waits), 4)
            if waits
            else None
            for limit in ANSWER_TARGETS
        },
        abandoned_calls=calls.filter(call_state="abandoned").count(),
        answer_to_incident=spread(_answer_to_incident(rows.incidents)),
        incident_to_dispatch=spread(_incident_to_dispatch(rows.incidents, agency)),
        dispatch_to_acknowledge=_acknowledgements(rows.dispatches),
        dispatch_to_on_scene=spread(_on_scene(rows.dispatches)),
        total_handling=spread(_handling(rows.incidents)),
    )


def _answer_to_incident(incidents: QuerySet[Incident]) -> list[float]:
    """From the first answered call linked to an incident to the incident's opening."""
    found = incidents.annotate(first_answer=Min("contacts__answered_at")).values_list(
        "opened_at", "first_answer"
    )
    return [
        seconds(opened, answered)
        for opened, answered in found
        if answered is not None and answered <= opened
    ]


def _incident_to_dispatch(
    incidents: QuerySet[Incident], agency: Agency | None
) -> list[float]:
    """From an incident's opening to its first dispatch (to this agency, if one)."""
    sent = Dispatch.objects.filter(incident__in=incidents.values("pk"))
    if agency is not None:
        sent = sent.filter(agency=agency)
    first = sent.values("incident_id").annotate(first=Min("sent_at"))
    opened = dict(incidents.values_list("pk", "opened_at"))
    return [
        seconds(row["first"], opened[row["incident_id"]])
        for row in first
        if row["incident_id"] in opened
    ]


def _acknowledgements(dispatches: QuerySet[Dispatch]) -> dict[str, Spread]:
    per_agency: dict[str, list[float]] = {}
    for code, sent, acknowledged in dispatches.values_list(
        "agency__code", "sent_at", "acknowledged_at"
    ):
        if acknowledged is not None:
            per_agency.setdefault(code, []).append(seconds(acknowledged, sent))
    return {code: spread(values) for code, values in sorted(per_agency.items())}


def _first_events(
    action: str, target_type: str, targets: QuerySet[Any], **after: str
) -> dict[str, datetime]:
    """The first event of `action` about each target of a queryset, by target id (the
    event log). The targets stay a subquery: a year's ids need not fit in one query."""
    ids = targets.order_by().annotate(as_text=Cast("pk", CharField())).values("as_text")
    events = Event.objects.filter(
        action=action, target_type=target_type, target_id__in=ids
    )
    for key, value in after.items():
        events = events.filter(**{f"after__{key}": value})
    first = events.values("target_id").annotate(at=Min("created_at"))
    return {row["target_id"]: row["at"] for row in first}


def _on_scene(dispatches: QuerySet[Dispatch]) -> list[float]:
    """From a dispatch's sending to its agency on scene (`dispatch.on_scene`)."""
    arrived = _first_events("dispatch.on_scene", "dispatch", dispatches)
    return [
        seconds(arrived[str(pk)], at)
        for pk, at in dispatches.values_list("pk", "sent_at")
        if str(pk) in arrived
    ]


def _handling(incidents: QuerySet[Incident]) -> list[float]:
    """From an incident's opening to the first time it was handled (resolved or
    closed, `incident.status_changed`)."""
    handled: dict[str, datetime] = {}
    for status in HANDLED:
        for key, at in _first_events(
            "incident.status_changed", "incident", incidents, status=status
        ).items():
            handled[key] = min(at, handled.get(key, at))
    return [
        seconds(handled[str(pk)], at)
        for pk, at in incidents.values_list("pk", "opened_at")
        if str(pk) in handled
    ]


NO_PLACE = "(tanpa lokasi)"


def place_name(found: Located | None) -> str:
    """The kelurahan a point lies in, else its kecamatan (kelurahan have boundaries only
    after an import), else its jurisdiction; NO_PLACE without a point."""
    area = found and (found.kelurahan or found.kecamatan or found.jurisdiction)
    return area.name if area else NO_PLACE


def prank_map(period: Period, agency: Agency | None = None) -> dict[str, list[int]]:
    """Prank contacts by place and WIB hour: {place: [24 counts]}, most first. A call
    carries a place only when its handset sent one (AML) or the taker marked it."""
    pranks = scope(period, agency).contacts.filter(classification="prank")
    rows = list(pranks.values_list("lat", "lon", "received_at"))
    places = locate_many(
        (lat, lon) for lat, lon, _ in rows if lat is not None and lon is not None
    )
    grid: dict[str, list[int]] = {}
    for lat, lon, at in rows:
        located = (
            places.get((lat, lon)) if lat is not None and lon is not None else None
        )
        place = place_name(located)
        grid.setdefault(place, [0] * 24)[at.astimezone(WIB).hour] += 1
    return dict(sorted(grid.items(), key=lambda item: (-sum(item[1]), item[0])))


@dataclass(frozen=True)
class MonthTotals:
    month: str  # 2026-11
    contacts: int
    incidents: int
    pranks: int


def trend(
    last: str, months: int = 12, agency: Agency | None = None
) -> list[MonthTotals]:
    """Totals for each of the `months` months up to `last` (`2026-11`), oldest first."""
    start = Period.month(last).start
    year, month = start.year, start.month
    found = []
    for back in range(months - 1, -1, -1):
        y, m = divmod(year * 12 + month - 1 - back, 12)
        label = f"{y:04d}-{m + 1:02d}"
        rows = scope(Period.month(label), agency)
        found.append(
            MonthTotals(
                month=label,
                contacts=rows.contacts.count(),
                incidents=rows.incidents.count(),
                pranks=rows.contacts.filter(classification="prank").count(),
            )
        )
    return found
