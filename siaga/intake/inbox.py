"""The room operator's console: the live inbox of messages from every channel, grouped
by sender; one conversation with its proposals, the triage form and the reply box."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from siaga.accounts.access import by_public_id, require
from siaga.accounts.roles import Can
from siaga.intake.actions.outbox import can_reply, queue_message, retry_outbound
from siaga.intake.forms import TriageForm
from siaga.intake.models import (
    Channel,
    Classification,
    Contact,
    Delivery,
    DeliveryStatus,
    Media,
    MediaStatus,
    OutboundMessage,
    OutboundPurpose,
    OutboundStatus,
)
from siaga.intake.proposals import proposals_for
from siaga.intake.views import console_context, get_contact
from siaga.lib.errors import ActionError

# Phone calls have their own queue; everything written comes here.
VOICE = [Channel.CALL, Channel.AML]
RECENT = timedelta(hours=24)
CONVERSATION = timedelta(hours=48)


@dataclass
class Conversation:
    """One sender's recent messages, newest last."""

    key: str
    latest: Contact
    count: int = 0
    waiting: int = 0
    channels: set[str] = field(default_factory=set)


def conversation_key(contact: Contact) -> str:
    return f"c{contact.caller_id}" if contact.caller_id else f"s{contact.sender_raw}"


def conversations(now: datetime | None = None) -> list[Conversation]:
    """Senders with a message waiting first, then the most recent; at most 100."""
    since = (now or timezone.now()) - RECENT
    newest = (
        Contact.objects.exclude(channel__in=VOICE)
        .filter(received_at__gte=since)
        .select_related("caller")
        .order_by("-received_at")[:500]
    )
    recent = reversed(list(newest))  # the newest 500, read oldest first
    grouped: dict[str, Conversation] = {}
    for contact in recent:
        key = conversation_key(contact)
        group = grouped.setdefault(key, Conversation(key=key, latest=contact))
        group.latest, group.count = contact, group.count + 1
        group.channels.add(contact.get_channel_display())
        group.waiting += contact.classification == Classification.UNCLASSIFIED
    ordered = sorted(
        grouped.values(),
        key=lambda g: (g.waiting == 0, -g.latest.received_at.timestamp()),
    )
    return ordered[:100]


def thread_of(contact: Contact) -> list[Contact | OutboundMessage]:
    """The sender's messages and our replies, oldest first."""
    around = (contact.received_at - CONVERSATION, timezone.now())
    if contact.caller_id:
        theirs = Contact.objects.filter(caller_id=contact.caller_id)
    else:
        theirs = Contact.objects.filter(pk=contact.pk)
    theirs = theirs.filter(received_at__range=around).select_related("incident")
    ours = OutboundMessage.objects.filter(contact__in=theirs).select_related("contact")
    items: list[Contact | OutboundMessage] = [
        *theirs.prefetch_related("media"),
        *ours,
    ]
    return sorted(items, key=_when)


def _when(item: Contact | OutboundMessage) -> datetime:
    return item.received_at if isinstance(item, Contact) else item.created_at


def trouble() -> dict[str, object]:
    """What the room must see: failed replies, deliveries that could not be read."""
    failed = OutboundMessage.objects.filter(status=OutboundStatus.FAILED)
    return {
        "failed_outbound": list(failed.select_related("contact").order_by("-pk")[:10]),
        "failed_outbound_count": failed.count(),
        "failed_deliveries": Delivery.objects.filter(
            status=DeliveryStatus.FAILED
        ).count(),
    }


def suggested_form(contact: Contact) -> TriageForm:
    """The triage form filled with what the words and the sender suggest."""
    from siaga.intake.suggest import suggest

    found = suggest(contact.text)
    category = contact.category_hint.code if contact.category_hint else found.category
    initial: dict[str, object] = {
        "category": category,
        "agencies": list(found.agencies),
        "address": contact.note or ", ".join(p.text for p in found.places[:2]),
        "description": contact.text[:5000],
        "lat": contact.lat,
        "lon": contact.lon,
        "next": "inbox",
    }
    return TriageForm(initial=initial)


def inbox_context(contact: Contact | None) -> dict[str, object]:
    context: dict[str, object] = {"conversations": conversations(), **trouble()}
    if contact is not None:
        incidents, others = proposals_for(contact)
        context |= console_context(contact, suggested_form(contact))
        context |= {
            "thread": thread_of(contact),
            "incident_proposals": incidents,
            "message_proposals": others,
            "can_reply": can_reply(contact),
        }
    return context


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    require(request.user, Can.WRITE_CONTACTS)
    selected = request.GET.get("kontak")
    contact = get_contact(selected) if selected else None
    if (
        request.headers.get("HX-Request") == "true"
        and request.GET.get("bagian") == "daftar"
    ):
        return render(request, "intake/_inbox.html", inbox_context(None))
    return render(request, "intake/inbox.html", inbox_context(contact))


@require_POST
def reply(request: HttpRequest, contact_id: str) -> HttpResponse:
    user = require(request.user, Can.WRITE_CONTACTS)
    contact = get_contact(contact_id)
    try:
        queue_message(
            contact,
            text=request.POST.get("text", "")[:5000],
            purpose=OutboundPurpose.REPLY,
            actor=user,
        )
    except ActionError as error:
        messages.error(request, error.message)
    return redirect(f"/konsol/pesan/?kontak={contact.public_id}")


@require_POST
def retry(request: HttpRequest, message_id: str) -> HttpResponse:
    user = require(request.user, Can.WRITE_CONTACTS)
    rows = OutboundMessage.objects.select_related("contact")
    message = by_public_id(rows, message_id, "message")
    try:
        retry_outbound(message, actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    return redirect(f"/konsol/pesan/?kontak={message.contact.public_id}")


@require_GET
def media(request: HttpRequest, media_id: str) -> HttpResponse:
    """A resident's photo or voice note, for the floor only; never rendered as HTML."""
    require(request.user, Can.VIEW_CONTACTS)
    item = by_public_id(
        Media.objects.filter(status=MediaStatus.STORED), media_id, "media"
    )
    if item.content is None:
        raise Http404("no such media")
    safe = item.mime_type if item.mime_type.startswith(SAFE_MEDIA) else ""
    response = HttpResponse(
        bytes(item.content), content_type=safe or "application/octet-stream"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    if not safe:
        response["Content-Disposition"] = "attachment"
    return response


SAFE_MEDIA = ("image/jpeg", "image/png", "image/webp", "image/gif", "audio/", "video/")
