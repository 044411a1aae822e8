"""Each operator's work over a period: contacts handled, calls answered and the time
spent on them, incidents opened. For the supervisor."""

from __future__ import annotations

from dataclasses import dataclass

from siaga.accounts.models import User
from siaga.incidents.models import Incident
from siaga.intake.models import Channel, Contact
from siaga.stats.period import Period


@dataclass(frozen=True)
class Workload:
    user: User
    contacts: int
    calls: int
    seconds_on_calls: int
    incidents_opened: int


def workloads(period: Period) -> list[Workload]:
    """Everyone who handled a contact or opened an incident in the period, busiest
    first. Time on a call runs from its answer to its end."""
    contacts = Contact.objects.filter(
        received_at__gte=period.start,
        received_at__lt=period.end,
        handled_by__isnull=False,
    )
    handled: dict[int, list[int]] = {}  # user → [contacts, calls, seconds]
    for user_id, channel, answered, ended in contacts.values_list(
        "handled_by", "channel", "answered_at", "ended_at"
    ):
        row = handled.setdefault(user_id, [0, 0, 0])
        row[0] += 1
        if channel == Channel.CALL and answered is not None:
            row[1] += 1
            if ended is not None and ended > answered:
                row[2] += round((ended - answered).total_seconds())
    opened: dict[int, int] = {}
    for user_id in Incident.objects.filter(
        opened_at__gte=period.start, opened_at__lt=period.end, opened_by__isnull=False
    ).values_list("opened_by", flat=True):
        opened[user_id] = opened.get(user_id, 0) + 1
    users = User.objects.in_bulk(set(handled) | set(opened))
    found = [
        Workload(
            user=users[pk],
            contacts=handled.get(pk, [0, 0, 0])[0],
            calls=handled.get(pk, [0, 0, 0])[1],
            seconds_on_calls=handled.get(pk, [0, 0, 0])[2],
            incidents_opened=opened.get(pk, 0),
        )
        for pk in users
    ]
    return sorted(found, key=lambda w: (-w.contacts, -w.incidents_opened, w.user.pk))
