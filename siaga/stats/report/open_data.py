"""Open data: one line per incident of the month, with nothing that points at a person.

Kept: the incident's number, its WIB date and hour, category, priority, kecamatan and
kelurahan (names), the agencies sent, its status now, and three durations in seconds.
Left out, always: callers and their numbers, names, addresses, landmarks, descriptions,
notes, messages and coordinates. Merged incidents are left out as in `figures.scope`.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import datetime
from io import StringIO
from typing import Any

from django.db.models import Min

from siaga.agencies.models import Agency
from siaga.dispatching.models import Dispatch
from siaga.incidents.models import Incident
from siaga.lib.fields import WIB
from siaga.stats.figures import scope
from siaga.stats.period import Period

COLUMNS = (
    "nomor",
    "tanggal",
    "jam",
    "kategori",
    "prioritas",
    "kecamatan",
    "kelurahan",
    "opd",
    "status",
    "dijawab_ke_insiden_detik",
    "insiden_ke_penugasan_detik",
    "penugasan_ke_konfirmasi_detik",
)


def duration(later: datetime | None, earlier: datetime | None) -> int | None:
    """Whole seconds from `earlier` to `later`; None when either is missing or the
    order is wrong (a call answered after its incident was opened)."""
    if later is None or earlier is None or later < earlier:
        return None
    return round((later - earlier).total_seconds())


def agencies_of(incident_ids: list[int]) -> dict[int, list[str]]:
    sent: dict[int, list[str]] = defaultdict(list)
    found = (
        Dispatch.objects.filter(incident_id__in=incident_ids)
        .order_by("incident_id", "agency__code")
        .values_list("incident_id", "agency__code")
        .distinct()
    )
    for incident_id, code in found:
        sent[incident_id].append(code)
    return sent


FIELDS = (
    "pk",
    "number",
    "opened_at",
    "category__code",
    "priority",
    "kecamatan__name",
    "kelurahan__name",
    "status",
    "first_answer",
    "first_sent",
    "first_acknowledged",
)


def incident_line(found: dict[str, Any], agencies: list[str]) -> tuple[object, ...]:
    """One incident as the open data prints it (in the order of COLUMNS)."""
    opened = found["opened_at"]
    local = opened.astimezone(WIB)
    return (
        found["number"],
        local.date().isoformat(),
        local.hour,
        found["category__code"],
        found["priority"],
        found["kecamatan__name"] or "",
        found["kelurahan__name"] or "",
        ";".join(agencies),
        found["status"],
        duration(opened, found["first_answer"]),
        duration(found["first_sent"], opened),
        duration(found["first_acknowledged"], found["first_sent"]),
    )


def incident_lines(
    period: Period, agency: Agency | None = None
) -> list[tuple[object, ...]]:
    """The month's incidents, oldest first, each with its first answered call, first
    dispatch and first acknowledgement, whichever agency that went to."""
    ids = scope(period, agency).incidents.values("pk")
    found = list(
        Incident.objects.filter(pk__in=ids)
        .annotate(
            first_answer=Min("contacts__answered_at"),
            first_sent=Min("dispatches__sent_at"),
            first_acknowledged=Min("dispatches__acknowledged_at"),
        )
        .order_by("opened_at", "number")
        .values(*FIELDS)
    )
    sent = agencies_of([row["pk"] for row in found])
    return [incident_line(row, sent[row["pk"]]) for row in found]


def incidents_csv(period: Period, agency: Agency | None = None) -> bytes:
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for line in incident_lines(period, agency):
        writer.writerow("" if value is None else value for value in line)
    return out.getvalue().encode("utf-8")
