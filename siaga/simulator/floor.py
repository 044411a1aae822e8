"""The simulated call floor: a call taker who knows each report's right answer works
the run's contacts through the API, using the centre's own duplicate suggestions
(`GET /api/v1/duplicates`, what the console shows), and then the database is asked
what the system made of them: incidents, reports merged into one, dispatches.

The operator is perfect on purpose (the right classification, category and place
every time): what the report measures is the system, above all whether reports of one
happening end up in one incident during a surge. An AML fix is not classified: it is
the location of a call, not a report.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from siaga.dispatching.models import Dispatch
from siaga.incidents.models import Category
from siaga.intake.models import Contact
from siaga.simulator.mix import Report

Key = tuple[str, str]


@dataclass
class FloorReport:
    """What the floor was given and what the system holds afterwards."""

    reports: int = 0  # reports worked (AML fixes not counted)
    events: int = 0  # distinct real happenings among them
    real_reports: int = 0
    incidents: int = 0  # incidents the run's contacts ended in
    merged: int = 0  # real reports linked to an incident opened for an earlier one
    dispatches: int = 0
    events_split: int = 0  # happenings spread over more than one incident
    incidents_shared: int = 0  # incidents holding more than one happening
    refused: list[tuple[str, int]] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"floor: {self.reports} reports worked, {self.real_reports} real, "
            f"about {self.events} happenings",
            f"system: {self.incidents} incidents, {self.merged} reports merged into "
            f"one, {self.dispatches} dispatches",
            f"happenings split over incidents {self.events_split}; incidents holding "
            f"two happenings {self.incidents_shared}; refused {len(self.refused)}",
        ]


def work(pairs: list[tuple[Report, Key]], *, base: str, token: str) -> FloorReport:
    """Classify every report in the order it came, open or merge the real ones."""
    result = FloorReport()
    api = Api(base, token)
    ids = public_ids([key for _, key in pairs])
    for report, key in sorted(pairs, key=lambda pair: pair[0].at):
        if key not in ids:
            continue  # never stored: the run's own check reports it
        result.reports += 1
        contact = ids[key]
        if report.outcome != "emergency":
            api.send("PATCH", f"/api/v1/contacts/{contact}",
                     {"classification": report.outcome}, result)  # fmt: skip
            continue
        result.real_reports += 1
        open_or_merge(api, report, contact, result)
    tally(pairs, ids, result)
    return result


def open_or_merge(api: Api, report: Report, contact: str, result: FloorReport) -> None:
    """Link to the suggested open incident, else open one and dispatch the category's
    agencies (none for a neighbour's place: it is theirs to send)."""
    assert report.place is not None
    point = {"lat": report.place.lat, "lon": report.place.lon}
    found = api.get("/api/v1/duplicates", {"category": report.category, **point})
    if found:
        body = {"classification": "duplicate", "incident": found[0]["number"]}
        api.send("PATCH", f"/api/v1/contacts/{contact}", body, result)
        return
    agencies = [] if report.place.neighbour else default_agencies(report.category)
    body = {
        "category": report.category,
        "description": report.text[:500],
        "location": point | {"address": report.place.name[:200]},
        "contacts": [contact],
        "agencies": agencies,
    }
    api.send("POST", "/api/v1/incidents", body, result)


def default_agencies(category: str) -> list[str]:
    codes = Category.objects.filter(code=category).values_list(
        "default_agencies__code", flat=True
    )
    return sorted(code for code in codes if code)


def public_ids(keys: list[Key]) -> dict[Key, str]:
    found: dict[Key, str] = {}
    for channel in {channel for channel, _ in keys}:
        ids = [provider_id for c, provider_id in keys if c == channel]
        rows = Contact.objects.filter(channel=channel, provider_id__in=ids)
        found |= {
            (channel, provider_id): str(public_id)
            for provider_id, public_id in rows.values_list("provider_id", "public_id")
        }
    return found


def tally(
    pairs: list[tuple[Report, Key]], ids: dict[Key, str], result: FloorReport
) -> None:
    """Ask the database where each real report ended up."""
    real = [(r, ids[k]) for r, k in pairs if r.outcome == "emergency" and k in ids]
    incident_of = dict(
        Contact.objects.filter(public_id__in=[c for _, c in real]).values_list(
            "public_id", "incident_id"
        )
    )
    by_event: dict[int, set[int]] = defaultdict(set)
    by_incident: dict[int, set[int]] = defaultdict(set)
    for report, contact in real:
        incident = incident_of.get(uuid.UUID(contact))
        if incident is None:
            continue
        by_event[report.event].add(incident)
        by_incident[incident].add(report.event)
    first = {r.event for r, _ in real if not r.repeat}
    result.events = len(first | set(by_event))
    result.incidents = len(by_incident)
    result.merged = (
        Contact.objects.filter(public_id__in=[c for _, c in real])
        .filter(classification="duplicate", incident__isnull=False)
        .count()
    )
    result.dispatches = Dispatch.objects.filter(incident_id__in=by_incident).count()
    result.events_split = sum(len(found) > 1 for found in by_event.values())
    result.incidents_shared = sum(len(found) > 1 for found in by_incident.values())


class Api:
    """JSON over HTTP with the operator's bearer token."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def get(self, path: str, query: dict[str, Any]) -> Any:
        status, body = self.call("GET", f"{path}?{urlencode(query)}", None)
        return body if status == 200 else []

    def send(
        self, method: str, path: str, body: dict[str, Any], result: FloorReport
    ) -> None:
        status, _ = self.call(method, path, body)
        if not 200 <= status < 300:
            result.refused.append((f"{method} {path}", status))

    def call(
        self, method: str, path: str, body: dict[str, Any] | None
    ) -> tuple[int, Any]:
        request = urllib.request.Request(  # noqa: S310 (the centre's own URL)
            self.base + path,
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
                return int(response.status), json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return int(error.code), None
        except OSError:
            return 0, None
