"""What the supervisor's board and the theatre wallboard show, read from live data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Count, QuerySet
from django.utils import timezone

from siaga.accounts.models import User
from siaga.dispatching.models import Dispatch, DispatchStatus
from siaga.incidents.models import Incident, IncidentStatus
from siaga.intake.models import CallState, Classification, Contact
from siaga.referrals.models import Referral
from siaga.shifts.models import Duty
from siaga.units.models import Unit, UnitStatus


def start_of_today() -> datetime:
    """Midnight WIB, as an aware datetime."""
    today = timezone.localdate()
    return timezone.make_aware(datetime.combine(today, time.min))


@dataclass(frozen=True)
class Board:
    waiting: list[Contact]
    ringing_count: int
    open_dispatches: list[Dispatch]
    escalated_count: int
    open_by_status: list[tuple[str, int]]
    incidents_by_category: list[tuple[str, int]]
    contacts_by_classification: list[tuple[str, int]]
    on_duty: list[User]
    open_referrals: list[Referral]
    units_by_status: list[tuple[str, int]]
    overdue_units: list[Unit]


def build_board() -> Board:
    since = start_of_today()
    waiting = Contact.objects.unclassified().order_by("received_at")
    dispatches = (
        Dispatch.objects.live()
        .select_related("incident__category", "agency")
        .order_by("escalated_at", "ack_deadline_at")
    )
    unacknowledged = sorted(dispatches, key=lambda d: d.status != DispatchStatus.SENT)
    return Board(
        waiting=list(waiting[:20]),
        ringing_count=waiting.filter(call_state=CallState.RINGING).count(),
        open_dispatches=unacknowledged[:40],
        escalated_count=dispatches.filter(
            status=DispatchStatus.SENT, escalated_at__isnull=False
        ).count(),
        open_by_status=_labelled(
            Counter(Incident.objects.open().values_list("status", flat=True)),
            dict(IncidentStatus.choices),
        ),
        incidents_by_category=_counts(
            Incident.objects.filter(opened_at__gte=since), "category__name"
        ),
        contacts_by_classification=_labelled(
            Counter(
                Contact.objects.filter(received_at__gte=since).values_list(
                    "classification", flat=True
                )
            ),
            dict(Classification.choices),
        ),
        on_duty=list(
            User.objects.filter(duties__in=Duty.objects.on_duty())
            .select_related("agency")
            .distinct()
        ),
        open_referrals=list(
            Referral.objects.open()
            .select_related("neighbour", "incident", "contact")
            .order_by("escalated_at", "ack_deadline_at")[:20]
        ),
        units_by_status=_labelled(
            Counter(
                Unit.objects.filter(is_active=True).values_list("status", flat=True)
            ),
            dict(UnitStatus.choices),
        ),
        overdue_units=_overdue_units(),
    )


def _overdue_units() -> list[Unit]:
    """Units longer in their status than SIAGA_UNIT_OVERDUE_MINUTES allows."""
    busy = Unit.objects.filter(is_active=True).exclude(status=UnitStatus.AVAILABLE)
    now = timezone.now()
    found = [u for u in busy.select_related("agency", "incident") if u.is_overdue(now)]
    return sorted(found, key=lambda u: u.status_since)


def _counts(rows: QuerySet[Incident], field: str) -> list[tuple[str, int]]:
    grouped = rows.values(field).annotate(n=Count("id")).order_by("-n")
    return [(str(row[field]), int(row["n"])) for row in grouped]


def _labelled(counts: Counter[str], labels: dict[str, object]) -> list[tuple[str, int]]:
    return [(str(labels.get(key, key)), n) for key, n in counts.most_common()]
