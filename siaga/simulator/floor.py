"""The simulated call floor: a call taker who knows each report's right answer works
the run's contacts through the API, using the centre's own duplicate suggestions
(`GET /api/v1/duplicates`, what the console shows) and its categories' agencies
(`GET /api/v1/categories`), and then the database is asked what the system made of
them: incidents opened, reports merged into one, dispatches.

The operator is perfect on purpose (the right classification, category and place
every time): what the report measures is the system, above all whether reports of one
happening end up in one incident during a surge. An AML fix is not classified: it is
the location of a call, not a report. A neighbour's report becomes an incident with no
agency (referring it is not simulated).
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
from siaga.intake.models import Contact
from siaga.simulator.mix import Report
from siaga.simulator.run import stored

Key = tuple[str, str]


@dataclass
class FloorReport:
    """What the floor was given and what the system holds afterwards."""

    reports: int = 0  # reports worked (AML fixes not counted)
    skipped: int = 0  # reports whose contact was never stored
    events: int = 0  # distinct real happenings among them
    real_reports: int = 0
    opened: set[str] = field(default_factory=set)  # incident numbers this run opened
    merged: int = 0  # real reports linked to an open incident
    dispatches: int = 0  # of the incidents this run opened
    unclassified: int = 0  # worked contacts the database still holds unclassified
    events_split: int = 0  # happenings spread over more than one incident
    incidents_shared: int = 0  # incidents holding more than one happening
    refused: list[tuple[str, int]] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"floor: {self.reports} reports worked, {self.real_reports} real, "
            f"{self.events} happenings; {self.skipped} not stored, skipped",
            f"system: {len(self.opened)} incidents, {self.merged} reports merged into "
            f"one, {self.dispatches} dispatches",
            f"happenings split over incidents {self.events_split}; incidents holding "
            f"two happenings {self.incidents_shared}; left unclassified "
            f"{self.unclassified}; refused {len(self.refused)}",
        ]


def work(pairs: list[tuple[Report, Key]], *, base: str, token: str) -> FloorReport:
    """Classify every report in the order it came, open or merge the real ones."""
    result = FloorReport()
    api = Api(base, token, result)
    agencies = {row["code"]: row["default_agencies"] for row in api.get_categories()}
    ids = public_ids([key for _, key in pairs])
    for report, key in sorted(pairs, key=lambda pair: pair[0].at):
        if key not in ids:
            result.skipped += 1  # the run's own check reports it missing
            continue
        result.reports += 1
        if report.outcome != "emergency":
            body = {"classification": report.outcome}
            api.call("PATCH", f"/api/v1/contacts/{ids[key]}", body)
            continue
        result.real_reports += 1
        open_or_merge(api, report, ids[key], agencies.get(report.category, []))
    tally(pairs, ids, result)
    return result


def open_or_merge(api: Api, report: Report, contact: str, agencies: list[str]) -> None:
    """Link to the suggested open incident, else open one and dispatch the category's
    agencies (none for a neighbour's place: it is theirs to send)."""
    assert report.place is not None
    point = {"lat": report.place.lat, "lon": report.place.lon}
    query = urlencode({"category": report.category, **point})
    found = api.call("GET", f"/api/v1/duplicates?{query}") or []
    if found:
        body = {"classification": "duplicate", "incident": found[0]["number"]}
        api.call("PATCH", f"/api/v1/contacts/{contact}", body)
        return
    body = {
        "category": report.category,
        "description": report.text[:500],
        "location": point | {"address": report.place.name[:200]},
        "contacts": [contact],
        "agencies": [] if report.place.neighbour else agencies,
    }
    opened = api.call("POST", "/api/v1/incidents", body)
    if opened:
        api.result.opened.add(opened["number"])


def public_ids(keys: list[Key]) -> dict[Key, str]:
    return {key: ids[0] for key, ids in stored(keys).items()}


def tally(
    pairs: list[tuple[Report, Key]], ids: dict[Key, str], result: FloorReport
) -> None:
    """Ask the database where each real report ended up."""
    real = [
        (r, uuid.UUID(ids[k]))
        for r, k in pairs
        if r.outcome == "emergency" and k in ids
    ]
    mine = Contact.objects.filter(public_id__in=[c for _, c in real] if real else [])
    incident_of = dict(mine.values_list("public_id", "incident_id"))
    by_event: dict[int, set[int]] = defaultdict(set)
    by_incident: dict[int, set[int]] = defaultdict(set)
    for report, contact in real:
        if (incident := incident_of.get(contact)) is not None:
            by_event[report.event].add(incident)
            by_incident[incident].add(report.event)
    result.events = len({report.event for report, _ in real})
    worked = [uuid.UUID(ids[k]) for _, k in pairs if k in ids]
    result.unclassified = (
        Contact.objects.filter(public_id__in=worked).unclassified().count()
    )
    result.merged = mine.filter(classification="duplicate").count()
    result.dispatches = Dispatch.objects.filter(
        incident__number__in=result.opened
    ).count()
    result.events_split = sum(len(found) > 1 for found in by_event.values())
    result.incidents_shared = sum(len(found) > 1 for found in by_incident.values())


class Api:
    """JSON over HTTP with the operator's bearer token; every answer but a 2xx is
    noted in the report as refused."""

    def __init__(self, base: str, token: str, result: FloorReport) -> None:
        self.base, self.token, self.result = base, token, result

    def get_categories(self) -> list[dict[str, Any]]:
        found = self.call("GET", "/api/v1/categories")
        return found if isinstance(found, list) else []

    def call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """The answer's JSON, or None when it was not a 2xx."""
        status, answer = request_json(self.base + path, self.token, method, body)
        if not 200 <= status < 300:
            self.result.refused.append((f"{method} {path}", status))
            return None
        return answer


def request_json(
    url: str, token: str, method: str, body: object = None
) -> tuple[int, Any]:
    """One JSON request with a bearer token: (status, decoded body or None); status 0
    when the server could not be reached."""
    request = urllib.request.Request(  # noqa: S310 (the centre's own URL)
        url,
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={
            "Authorization": f"Bearer {token}",
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
