"""Actions on referrals: refer out, receive in, answer, time out, deliver."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from siaga.accounts.actions import create_user, issue_api_token
from siaga.accounts.models import User
from siaga.accounts.roles import Role
from siaga.areas.models import Area, AreaKind
from siaga.events.log import append_event, snapshot
from siaga.incidents.actions import Place, move_incident, open_incident
from siaga.incidents.models import Category, Incident, IncidentStatus
from siaga.intake.actions import Fix, classify_contact, record_contact
from siaga.intake.actions.outbox import retry_delay
from siaga.intake.models import Channel, Classification
from siaga.lib.errors import IllegalTransition, InvalidInput
from siaga.referrals.models import (
    ALLOWED_TRANSITIONS,
    Direction,
    Method,
    Referral,
    ReferralPartner,
    ReferralStatus,
)

R = ReferralStatus


def ack_deadline() -> timedelta:
    return timedelta(minutes=settings.SIAGA_REFERRAL_ACK_MINUTES)


def _log(referral: Referral, action: str, actor: User | None, **after: Any) -> None:
    append_event(
        actor=actor,
        action=f"referral.{action}",
        target=referral,
        after={"neighbour": referral.neighbour.name, **after},
        incident=referral.incident,
    )


@transaction.atomic
def refer_incident(
    incident: Incident,
    *,
    neighbour: Area,
    method: str,
    phone_number: str = "",
    answered_by: str = "",
    note: str = "",
    actor: User | None,
) -> Referral:
    """Hand an incident to a neighbouring centre.

    1. By phone, the number called is required; if someone answered, the referral is
       acknowledged at once (they heard it), else it waits like an electronic one.
    2. Electronically, the worker sends the EIDO to the partner's endpoint.
    3. The incident moves to REFERRED; a decline brings it back to the floor.
    """
    if neighbour.kind != AreaKind.NEIGHBOUR:
        raise InvalidInput("refer to a neighbouring jurisdiction", field="neighbour")
    if method not in Method.values:
        raise InvalidInput(f"unknown method {method!r}", field="method")
    if method == Method.PHONE and not phone_number.strip():
        raise InvalidInput("say which number was called", field="phone_number")
    if method == Method.ELECTRONIC and not _partner(neighbour):
        raise IllegalTransition(
            f"{neighbour} takes no electronic referrals; phone them"
        )
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    now = timezone.now()
    heard = method == Method.PHONE and bool(answered_by.strip())
    referral = Referral.objects.create(
        direction=Direction.OUT,
        method=method,
        neighbour=neighbour,
        incident=incident,
        request_id=f"{settings.SIAGA_CITY_CODE}-{uuid.uuid4().hex[:16]}",
        phone_number=phone_number.strip()[:40],
        answered_by=answered_by.strip()[:120],
        note=note.strip(),
        status=R.ACKNOWLEDGED if heard else R.SENT,
        sent_at=now,
        acknowledged_at=now if heard else None,
        ack_deadline_at=now + ack_deadline(),
        delivery_due_at=now if method == Method.ELECTRONIC else None,
        created_by=actor,
    )
    _log(
        referral,
        "sent",
        actor,
        **snapshot(
            referral, ["method", "status", "phone_number", "answered_by", "note"]
        ),
    )
    if incident.status != IncidentStatus.REFERRED:
        move_incident(incident, status=IncidentStatus.REFERRED, actor=actor)
    return referral


def _partner(neighbour: Area) -> ReferralPartner | None:
    return ReferralPartner.objects.filter(neighbour=neighbour).first()


@transaction.atomic
def answer_referral(
    referral: Referral,
    *,
    status: str,
    reason: str = "",
    remote_incident_id: str = "",
    actor: User | None,
) -> Referral:
    """Record what the other centre said (or what we decided about theirs):
    acknowledged, accepted or declined. A decline needs a reason; a declined
    outgoing referral returns the incident to the call floor."""
    if status not in {R.ACKNOWLEDGED, R.ACCEPTED, R.DECLINED, R.CANCELLED}:
        raise InvalidInput(f"cannot answer {status!r}", field="status")
    if status == R.DECLINED and not reason.strip():
        raise InvalidInput("say why it was declined", field="reason")
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if status not in ALLOWED_TRANSITIONS[referral.status]:
        raise IllegalTransition(
            f"a referral that is {referral.status} cannot become {status}"
        )
    now = timezone.now()
    referral.status, referral.reason = status, reason.strip()
    referral.acknowledged_at = referral.acknowledged_at or now
    if status != R.ACKNOWLEDGED:
        referral.answered_at = now
    referral.remote_incident_id = (
        remote_incident_id[:200] or referral.remote_incident_id
    )
    referral.save()
    _log(referral, status, actor, reason=referral.reason)
    if referral.direction == Direction.OUT and status in {R.DECLINED, R.CANCELLED}:
        _after_withdrawal(referral, cancelled=status == R.CANCELLED, actor=actor)
    return referral


def _after_withdrawal(
    referral: Referral, *, cancelled: bool, actor: User | None
) -> None:
    """A declined or cancelled outgoing referral: the incident comes back to the floor
    unless another referral of it is still open or was accepted; a cancelled EIDO
    request is withdrawn (never sent if still waiting, else a cancelRequest)."""
    if cancelled and referral.method == Method.ELECTRONIC:
        delivered = referral.delivery_attempts > 0 and referral.delivery_due_at is None
        due = timezone.now() if delivered and not referral.delivery_error else None
        Referral.objects.filter(pk=referral.pk).update(delivery_due_at=due)
    incident = referral.incident
    others = Referral.objects.filter(incident=incident).exclude(pk=referral.pk)
    still = others.filter(status__in=[R.SENT, R.ACKNOWLEDGED, R.TIMED_OUT, R.ACCEPTED])
    back = incident is not None and incident.status == IncidentStatus.REFERRED
    if back and incident is not None and not still.exists():
        move_incident(
            incident, status=IncidentStatus.NEW, reason=referral.reason, actor=actor
        )


@transaction.atomic
def time_out_referral(referral: Referral, *, actor: User | None) -> bool:
    """The worker's escalation, exactly once: nobody acknowledged before the deadline.
    The floor sees it and falls back to the phone."""
    moved = Referral.objects.filter(
        pk=referral.pk, status=R.SENT, escalated_at__isnull=True
    ).update(status=R.TIMED_OUT, escalated_at=timezone.now())
    if not moved:
        return False
    referral.refresh_from_db()
    _log(referral, "timed_out", actor, deadline=referral.ack_deadline_at.isoformat())
    return True


@transaction.atomic
def receive_referral(
    partner: ReferralPartner,
    *,
    request_id: str,
    summary: str,
    raw: str,
    fix: Fix | None = None,
    address: str = "",
    callback_number: str = "",
    remote_incident_id: str = "",
    category_code: str = "",
    actor: User | None,
) -> tuple[Referral, bool]:
    """A neighbour's request for service: a `referral` contact in the call floor's
    queue, and an incoming referral acknowledged by our receipt. A repeat of the same
    request id returns the first."""
    existing = Referral.objects.filter(
        neighbour=partner.neighbour, direction=Direction.IN, request_id=request_id
    ).first()
    if existing is not None:
        return existing, False
    contact, _ = record_contact(
        channel=Channel.REFERRAL,
        sender=callback_number,
        text=summary,
        provider_id=f"{partner.neighbour.code}:{request_id}"[:200],
        raw_payload=raw,
        fix=fix,
        note=f"{partner.neighbour}: {address}".strip(": ")[:2000],
        category_hint=Category.objects.filter(
            code=category_code, is_active=True
        ).first(),
        actor=actor,
    )
    now = timezone.now()
    referral = Referral(
        direction=Direction.IN,
        method=Method.ELECTRONIC,
        neighbour=partner.neighbour,
        contact=contact,
        request_id=request_id[:200],
        remote_incident_id=remote_incident_id[:200],
        status=R.ACKNOWLEDGED,
        sent_at=now,
        acknowledged_at=now,
        ack_deadline_at=now + ack_deadline(),
    )
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:  # the same request delivered twice at once: the first wins
        raise IllegalTransition("this request is being received already") from None
    _log(referral, "received", actor, request_id=request_id)
    return referral, True


@transaction.atomic
def accept_referral(referral: Referral, *, actor: User | None) -> Incident:
    """Take a neighbour's incident: it becomes ours, opened from their data, and the
    worker tells them (response 200)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.direction != Direction.IN or referral.contact is None:
        raise IllegalTransition("only a referral from a neighbour can be accepted here")
    if referral.status != R.ACKNOWLEDGED:
        raise IllegalTransition(f"this referral is already {referral.status}")
    contact = referral.contact
    if contact.incident_id is not None:
        raise IllegalTransition("its contact already belongs to an incident")
    category = contact.category_hint or Category.objects.get(code="lainnya")
    place = Place(lat=contact.lat, lon=contact.lon, address=contact.note[:300])
    incident = open_incident(
        category=category,
        description=contact.text,
        place=place if contact.lat is not None else Place(address=contact.note[:300]),
        contacts=[contact],
        actor=actor,
    )
    classify_contact(contact, classification=Classification.EMERGENCY, actor=actor)
    Referral.objects.filter(pk=referral.pk).update(incident=incident)
    referral.incident = incident
    answer_referral(referral, status=R.ACCEPTED, actor=actor)
    Referral.objects.filter(pk=referral.pk).update(delivery_due_at=timezone.now())
    return incident


@transaction.atomic
def decline_referral(
    referral: Referral, *, reason: str, actor: User | None
) -> Referral:
    """Refuse a neighbour's request (not ours, a duplicate…); the worker tells them
    (response 603) and the contact leaves the queue."""
    if referral.direction != Direction.IN or referral.contact is None:
        raise IllegalTransition("only a referral from a neighbour can be declined here")
    referral = answer_referral(referral, status=R.DECLINED, reason=reason, actor=actor)
    classify_contact(
        referral.contact,  # type: ignore[arg-type]
        classification=Classification.INFORMATION,
        note=reason,
        actor=actor,
    )
    Referral.objects.filter(pk=referral.pk).update(delivery_due_at=timezone.now())
    return referral


@transaction.atomic
def record_delivery(
    referral: Referral, *, error: str = "", permanent: bool = False
) -> Referral:
    """What the partner's endpoint said to our request or answer: delivered, retry
    later (backoff from 30 s), or given up (the floor phones them)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    referral.delivery_attempts += 1
    if not error:
        referral.delivery_due_at, referral.delivery_error = None, ""
    elif permanent or referral.delivery_attempts >= Referral.MAX_ATTEMPTS:
        referral.delivery_due_at, referral.delivery_error = None, error[:2000]
        _log(referral, "delivery_failed", None, error=error[:500])
    else:
        referral.delivery_due_at = timezone.now() + retry_delay(
            referral.delivery_attempts
        )
        referral.delivery_error = error[:2000]
    referral.save(
        update_fields=["delivery_attempts", "delivery_due_at", "delivery_error"]
    )
    return referral


@transaction.atomic
def save_referral_partner(
    *,
    code: str,
    name: str = "",
    base_url: str,
    outbound_token: str | None = None,
    actor: User | None,
) -> tuple[ReferralPartner, str]:
    """Set up a neighbouring centre for electronic referrals.

    1. The neighbour area is found by code (or created without a boundary).
    2. Its machine account (role integration) is created once; a bearer token for it
       is issued the first time and returned once, for the partner to call us with.
    3. Their URL and the token they gave us (if given) are stored.
    """
    area = Area.objects.filter(code=code).first()
    if area is not None and area.kind != AreaKind.NEIGHBOUR:
        raise InvalidInput(f"{code} is not a neighbouring area", field="code")
    if area is None:
        if not name.strip():
            raise InvalidInput("name the new neighbouring area", field="name")
        area = Area.objects.create(kind=AreaKind.NEIGHBOUR, code=code, name=name)
    partner = ReferralPartner.objects.filter(neighbour=area).first()
    token = ""
    if partner is None:
        account = create_user(
            username=f"mitra-{code}"[:150],
            password=secrets.token_urlsafe(32),
            role=Role.REFERRAL_PARTNER,
            full_name=f"Mitra rujukan {area.name}"[:150],
            actor=actor,
        )
        partner = ReferralPartner(neighbour=area, account=account)
        _, token = issue_api_token(user=account, name="referrals", actor=actor)
    partner.base_url = base_url
    if outbound_token is not None:
        partner.outbound_token = outbound_token
    partner.full_clean(exclude=["account", "neighbour"])
    partner.save()
    area.referral_url = base_url
    area.save(update_fields=["referral_url", "updated_at"])
    append_event(
        actor=actor,
        action="referral_partner.saved",
        target=partner,
        after={"neighbour": area.code, "base_url": base_url},
    )
    return partner, token
