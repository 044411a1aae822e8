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

from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from siaga.agencies.models import Agency
from siaga.areas.locate import locate_many, place_name
from siaga.dispatching.models import Dispatch
from siaga.events.models import Event
from siaga.incidents.models import Incident, IncidentStatus
from siaga.intake.models import Channel, Contact
from siaga.stats.period import Period
from siaga.stats.sql import (
    LocalClock,
    Seconds,
    Spread,
    shares_within,
    spread_of,
    spreads,
)

# NENA's call answering standard: 90 % within 15 s, 95 % within 20 s.
ANSWER_TARGETS = (15, 20)
HANDLED = (IncidentStatus.RESOLVED, IncidentStatus.CLOSED)


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
        mine = Dispatch.objects.filter(agency=agency).values("incident_id")
        incidents = incidents.filter(pk__in=mine)  # a subquery: no row repeats
        contacts = contacts.filter(incident__in=mine)
        dispatches = dispatches.filter(agency=agency)
    return Scope(incidents, contacts, dispatches)


def grouped(
    rows: QuerySet[Incident] | QuerySet[Contact], field: str, *, across: bool = False
) -> dict[str, int]:
    """{value: count} of one field, largest first; an empty value as "-". `across`: the
    field lies across a one-to-many relation, so a row is counted once per value."""
    found = rows.order_by().values(field).annotate(n=Count("pk", distinct=across))
    pairs = [(str(row[field] or "-"), int(row["n"])) for row in found]
    return dict(sorted(pairs, key=lambda pair: (-pair[1], pair[0])))


def by_hour_and_weekday(
    rows: QuerySet[Incident] | QuerySet[Contact], field: str
) -> tuple[list[int], list[int]]:
    """Counts per local hour (0–23) and per weekday (Monday first), grouped in SQL."""
    hours, weekdays = [0] * 24, [0] * 7
    plain = rows.order_by()
    for row in (
        plain.annotate(h=LocalClock(field, "hour")).values("h").annotate(n=Count("pk"))
    ):
        hours[row["h"]] += row["n"]
    for row in (
        plain.annotate(d=LocalClock(field, "weekday"))
        .values("d")
        .annotate(n=Count("pk"))
    ):
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
        by_agency=grouped(rows.incidents, "dispatches__agency__code", across=True),
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


def timings(period: Period, agency: Agency | None = None) -> Timings:
    rows = scope(period, agency)
    calls = rows.contacts.filter(channel=Channel.CALL)
    waiting = Seconds("answered_at", "received_at")
    return Timings(
        ring_to_answer=spread_of(calls, waiting),
        answered_within=shares_within(calls, waiting, ANSWER_TARGETS),
        abandoned_calls=calls.filter(call_state="abandoned").count(),
        answer_to_incident=_answer_to_incident(rows.incidents),
        incident_to_dispatch=_incident_to_dispatch(rows.incidents, agency),
        dispatch_to_acknowledge=dict(
            sorted(
                spreads(
                    rows.dispatches,
                    Seconds("acknowledged_at", "sent_at"),
                    "agency__code",
                ).items()
            )
        ),
        dispatch_to_on_scene=_on_scene(rows.dispatches),
        total_handling=_handling(rows.incidents),
    )


def _first(rows: QuerySet[Any], moment: str) -> Subquery:
    """The earliest `moment` of the rows (correlated to the outer row by the caller)."""
    return Subquery(rows.order_by(moment).values(moment)[:1])


def _answer_to_incident(incidents: QuerySet[Incident]) -> Spread:
    """From the first answered call linked to an incident to the incident's opening
    (grouped over the join: the first answer is computed once per incident)."""
    return spread_of(
        incidents.annotate(first_answer=Min("contacts__answered_at")).filter(
            first_answer__lte=F("opened_at")
        ),
        Seconds("opened_at", "first_answer"),
    )


def _incident_to_dispatch(
    incidents: QuerySet[Incident], agency: Agency | None
) -> Spread:
    """From an incident's opening to its first dispatch (to this agency, if one)."""
    mine = Q(dispatches__agency=agency) if agency is not None else Q()
    return spread_of(
        incidents.annotate(first_sent=Min("dispatches__sent_at", filter=mine)),
        Seconds("first_sent", "opened_at"),
    )


def _events_about(action: str, target_type: str, **after: Any) -> QuerySet[Event]:
    """The events of `action` about the outer row (the log keys targets by text)."""
    return Event.objects.filter(
        action=action,
        target_type=target_type,
        target_id=Cast(OuterRef("pk"), CharField()),
        **{f"after__{key}": value for key, value in after.items()},
    )


def _on_scene(dispatches: QuerySet[Dispatch]) -> Spread:
    """From a dispatch's sending to its agency on scene (`dispatch.on_scene`)."""
    arrived = _events_about("dispatch.on_scene", "dispatch")
    return spread_of(
        dispatches.annotate(arrived_at=_first(arrived, "created_at")),
        Seconds("arrived_at", "sent_at"),
    )


def _handling(incidents: QuerySet[Incident]) -> Spread:
    """From an incident's opening to the first time it was handled (resolved or
    closed, `incident.status_changed`)."""
    handled = _events_about("incident.status_changed", "incident", status__in=HANDLED)
    return spread_of(
        incidents.annotate(handled_at=_first(handled, "created_at")),
        Seconds("handled_at", "opened_at"),
    )


def prank_map(period: Period, agency: Agency | None = None) -> dict[str, list[int]]:
    """Prank contacts by place and local hour: {place: [24 counts]}, most first. A call
    carries a place only when its handset sent one (AML) or the taker marked it; once
    anonymized (retention) only the place's name is kept. SQL counts each point and
    hour; each distinct point is located once."""
    pranks = scope(period, agency).contacts.filter(classification="prank").order_by()
    rows = list(
        pranks.annotate(h=LocalClock("received_at", "hour"))
        .values_list("lat", "lon", "place", "h")
        .annotate(n=Count("pk"))
    )
    places = locate_many(
        (lat, lon) for lat, lon, *_ in rows if lat is not None and lon is not None
    )
    grid: dict[str, list[int]] = {}
    for lat, lon, kept, hour, n in rows:
        located = (
            places.get((lat, lon)) if lat is not None and lon is not None else None
        )
        name = kept if kept and located is None else place_name(located)
        grid.setdefault(name, [0] * 24)[hour] += n
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
    """Totals for each of the `months` months up to `last` (`2026-11`), oldest first,
    grouped by local month in two queries."""
    start = Period.month(last).start
    labels = []
    for back in range(months - 1, -1, -1):
        y, m = divmod(start.year * 12 + start.month - 1 - back, 12)
        labels.append(f"{y:04d}-{m + 1:02d}")
    rows = scope(
        Period(Period.month(labels[0]).start, Period.month(labels[-1]).end), agency
    )
    contacts = {
        row["m"]: row
        for row in rows.contacts.order_by()
        .annotate(m=LocalClock("received_at", "month"))
        .values("m")
        .annotate(n=Count("pk"), pranks=Count("pk", filter=Q(classification="prank")))
    }
    incidents = dict(
        rows.incidents.order_by()
        .annotate(m=LocalClock("opened_at", "month"))
        .values("m")
        .annotate(n=Count("pk"))
        .values_list("m", "n")
    )
    return [
        MonthTotals(
            month=label,
            contacts=contacts.get(label, {}).get("n", 0),
            incidents=incidents.get(label, 0),
            pranks=contacts.get(label, {}).get("pranks", 0),
        )
        for label in labels
    ]
