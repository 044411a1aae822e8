"""Messages to residents on the channel they used: operator replies and tracking links.

Queued here, in the operator's transaction; sent by the worker (siaga/intake/outbox.py)
with retries and backoff; every outcome is an event, so a failure shows on the console.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from siaga.accounts.models import User
from siaga.events.log import append_event
from siaga.intake.models import (
    Channel,
    Contact,
    OutboundMessage,
    OutboundPurpose,
    OutboundStatus,
)
from siaga.lib.errors import IllegalTransition, InvalidInput

# The channels we can answer on; a web report or a phone call has no reply channel.
REPLY_CHANNELS = frozenset(
    {
        Channel.SMS,
        Channel.WHATSAPP,
        Channel.TELEGRAM,
        Channel.MESSENGER,
        Channel.INSTAGRAM,
        Channel.X,
    }
)
# Residents who get a tracking link when their report becomes an incident.
TRACKED_CHANNELS = REPLY_CHANNELS | {Channel.APP, Channel.WEB}
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I/L


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))


def tracking_url(code: str) -> str:
    return f"{settings.SIAGA_PUBLIC_URL.rstrip('/')}/lacak/{code}"


def can_reply(contact: Contact) -> bool:
    return contact.channel in REPLY_CHANNELS and bool(contact.reply_to)


def _reply_address(contact: Contact) -> str:
    if contact.channel == Channel.SMS and contact.caller is not None:
        return contact.caller.identifier
    return contact.reply_to


@transaction.atomic
def queue_message(
    contact: Contact, *, text: str, purpose: str, actor: User | None
) -> OutboundMessage:
    """Put a message to the contact's sender in the outbox (the worker sends it)."""
    text = text.strip().replace("\x00", "")
    if not text:
        raise InvalidInput(_("Tulis isi balasan."), field="text")
    if len(text) > 4000:
        raise InvalidInput(_("Balasan terlalu panjang (maks. 4000)."), field="text")
    if not can_reply(contact):
        raise IllegalTransition(
            _("Kanal %(channel)s tidak bisa dibalas dari konsol.")
            % {"channel": contact.get_channel_display()}
        )
    message = OutboundMessage.objects.create(
        channel=contact.channel,
        recipient=_reply_address(contact)[:120],
        text=text,
        purpose=purpose,
        contact=contact,
        created_by=actor,
    )
    append_event(
        actor=actor,
        action="outbound.queued",
        target=message,
        after={"channel": message.channel, "purpose": purpose, "text": text[:500]},
        incident=contact.incident,
    )
    return message


@transaction.atomic
def issue_tracking_link(contact: Contact, *, actor: User | None) -> str:
    """Give a resident's report its tracking code once, and send the link on their
    channel when it has one (web and app reporters already hold theirs)."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.channel not in TRACKED_CHANNELS:
        return ""
    if contact.tracking_code:
        return contact.tracking_code
    contact.tracking_code = new_tracking_code()
    contact.save(update_fields=["tracking_code"])
    append_event(
        actor=actor,
        action="contact.tracking_issued",
        target=contact,
        incident=contact.incident,
    )
    # A mention on X is answered in public: the link would be posted for everyone.
    private = not contact.reply_to.startswith("tweet:")
    if can_reply(contact) and private and contact.incident is not None:
        text = _(
            "Laporan Anda sudah kami terima sebagai kejadian %(number)s. "
            "Pantau perkembangannya di %(url)s"
        ) % {
            "number": contact.incident.number,
            "url": tracking_url(contact.tracking_code),
        }
        queue_message(contact, text=text, purpose=OutboundPurpose.TRACKING, actor=actor)
    return contact.tracking_code


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min… doubling, at most an hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


@transaction.atomic
def record_send_result(
    message: OutboundMessage,
    *,
    provider_id: str = "",
    error: str = "",
    permanent: bool = False,
) -> OutboundMessage:
    """What the worker learnt from the provider: sent, retry later, or failed."""
    message = OutboundMessage.objects.select_for_update().get(pk=message.pk)
    if message.status != OutboundStatus.QUEUED:
        return message
    message.attempts += 1
    if not error:
        message.status, message.sent_at = OutboundStatus.SENT, timezone.now()
        message.provider_id, message.last_error = provider_id[:200], ""
    elif permanent or message.attempts >= OutboundMessage.MAX_ATTEMPTS:
        message.status, message.last_error = OutboundStatus.FAILED, error[:2000]
    else:
        message.last_error = error[:2000]
        message.next_attempt_at = timezone.now() + retry_delay(message.attempts)
    message.save()
    if message.status != OutboundStatus.QUEUED:
        append_event(
            actor=None,
            action=f"outbound.{message.status}",
            target=message,
            after={"attempts": message.attempts, "error": message.last_error[:500]},
            incident=message.contact.incident,
        )
    return message


@transaction.atomic
def retry_outbound(message: OutboundMessage, *, actor: User | None) -> OutboundMessage:
    """An operator sends a failed message again (after fixing the provider setup)."""
    updated = OutboundMessage.objects.filter(
        pk=message.pk, status=OutboundStatus.FAILED
    ).update(status=OutboundStatus.QUEUED, attempts=0, next_attempt_at=timezone.now())
    if not updated:
        raise IllegalTransition(_("Hanya pesan yang gagal yang bisa dikirim ulang."))
    message.refresh_from_db()
    append_event(
        actor=actor,
        action="outbound.requeued",
        target=message,
        incident=message.contact.incident,
    )
    return message
