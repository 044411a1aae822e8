"""What a shift leaves open, read from live data at the moment of the handover."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from siaga.accounts.models import User
from siaga.accounts.roles import Can
from siaga.dispatching.models import Dispatch, DispatchStatus
from siaga.incidents.models import Incident
from siaga.intake.models import Contact
from siaga.referrals.models import Referral


@dataclass(frozen=True)
class OpenItems:
    """Everything still open that this user's role answers for; nothing cut off."""

    incidents: list[Incident]
    unacknowledged: list[Dispatch]
    referrals: list[Referral]
    callbacks: list[Contact]

    def as_record(self) -> dict[str, list[str]]:
        """The items as kept on the handover: numbers and ids, nothing personal."""
        return {
            "incidents": [i.number for i in self.incidents],
            "unacknowledged": [
                f"{d.incident.number}/{d.agency.code}" for d in self.unacknowledged
            ],
            "referrals": [str(r.public_id) for r in self.referrals],
            "callbacks": [str(c.public_id) for c in self.callbacks],
        }

    def count(self) -> int:
        return sum(len(v) for v in self.as_record().values())


def open_items(user: User) -> OpenItems:
    """The call floor: open incidents, dispatches nobody acknowledged, open referrals,
    silent and dropped calls owed a call-back. An agency: its own incidents and
    unacknowledged dispatches."""
    incidents = Incident.objects.visible_to(user).open().order_by("opened_at")
    waiting: Any = Dispatch.objects.filter(status=DispatchStatus.SENT)
    if user.is_agency_operator:
        waiting = waiting.filter(agency=user.agency)
    floor = user.can(Can.WRITE_CONTACTS)
    referrals = Referral.objects.open() if floor else Referral.objects.none()
    callbacks = Contact.objects.owed_callback() if floor else Contact.objects.none()
    return OpenItems(
        incidents=list(incidents.select_related("category")),
        unacknowledged=list(
            waiting.select_related("incident", "agency").order_by("sent_at")
        ),
        referrals=list(referrals.select_related("neighbour").order_by("sent_at")),
        callbacks=list(callbacks.select_related("caller").order_by("received_at")),
    )
