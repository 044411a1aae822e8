"""The call-taker console: the live queue, the screen pop, the one form."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from siaga.accounts.access import by_public_id, require
from siaga.accounts.roles import Can
from siaga.areas.locate import candidates
from siaga.areas.search import search_places
from siaga.incidents.duplicates import possible_duplicates
from siaga.incidents.models import Category
from siaga.intake.actions import log_call_by_hand, record_callback, triage_contact
from siaga.intake.forms import TriageForm
from siaga.intake.models import Caller, Channel, Contact
from siaga.lib.errors import ActionError
from siaga.referrals.models import Direction, Referral, ReferralStatus

QUEUE_LIMIT = 50


def waiting_contacts() -> QuerySet[Contact]:
    """Every contact not yet classified, ringing and dropped calls included (each call
    is recorded and classified, a silent one too); oldest first."""
    return (
        Contact.objects.unclassified().select_related("caller").order_by("received_at")
    )


def callbacks_owed() -> list[Contact]:
    owed = Contact.objects.owed_callback().select_related("caller")
    return list(owed.order_by("received_at")[:QUEUE_LIMIT])


def get_contact(contact_id: str) -> Contact:
    rows = Contact.objects.select_related("caller", "incident")
    return by_public_id(rows, contact_id, "contact")


def caller_history(caller: Caller | None) -> dict[str, object]:
    if caller is None:
        return {"contacts": [], "contact_count": 0, "prank_count": 0}
    counted = Caller.objects.with_history().get(pk=caller.pk)
    earlier = caller.contacts.select_related("incident").order_by("-received_at")[:6]
    return {
        "contacts": list(earlier),
        "contact_count": counted.contact_count,  # type: ignore[attr-defined]
        "prank_count": counted.prank_count,  # type: ignore[attr-defined]
    }


HANDSET_WINDOW = timedelta(hours=1)


def handset_fix(contact: Contact) -> Contact | None:
    """Where the caller's own phone says it is: this contact's fix, or the latest AML
    message from the same number around the call. Shown, applied only on request."""
    if contact.lat is not None:
        return contact
    if contact.caller_id is None:
        return None
    around = (
        contact.received_at - HANDSET_WINDOW,
        contact.received_at + HANDSET_WINDOW,
    )
    return (
        Contact.objects.filter(
            caller_id=contact.caller_id,
            channel=Channel.AML,
            lat__isnull=False,
            received_at__range=around,
        )
        .order_by("-received_at")
        .first()
    )


def pending_referral(contact: Contact) -> Referral | None:
    """A neighbour's request waiting for our answer: accepted or declined as such, not
    triaged with the ordinary form (the neighbour must hear back)."""
    return (
        contact.referrals.filter(
            direction=Direction.IN, status=ReferralStatus.ACKNOWLEDGED
        )
        .select_related("neighbour")
        .first()
    )


def console_context(
    contact: Contact | None, form: TriageForm | None
) -> dict[str, object]:
    categories = Category.objects.filter(is_active=True).prefetch_related(
        "default_agencies"
    )
    return {
        "queue": waiting_contacts()[:QUEUE_LIMIT],
        "callbacks": callbacks_owed(),
        "contact": contact,
        "history": caller_history(contact.caller) if contact else None,
        "handset": handset_fix(contact) if contact else None,
        "pending_referral": pending_referral(contact) if contact else None,
        "form": form or TriageForm(),
        "categories": categories,
    }


@require_GET
def console(request: HttpRequest) -> HttpResponse:
    require(request.user, Can.WRITE_CONTACTS)
    selected = request.GET.get("kontak")
    contact = get_contact(selected) if selected else None
    return render(request, "intake/console.html", console_context(contact, None))


@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    require(request.user, Can.WRITE_CONTACTS)
    context = {"queue": waiting_contacts()[:QUEUE_LIMIT], "callbacks": callbacks_owed()}
    return render(request, "intake/_queue.html", context)


@require_POST
def triage(request: HttpRequest, contact_id: str) -> HttpResponse:
    user = require(request.user, Can.WRITE_CONTACTS)
    contact = get_contact(contact_id)
    if pending_referral(contact) is not None:
        messages.error(request, _("Rujukan masuk: jawab dengan Terima atau Tolak."))
        return redirect(f"/konsol/?kontak={contact.public_id}")
    form = TriageForm(request.POST)
    if form.is_valid():
        try:
            triaged = triage_contact(contact, form.triage(), actor=user)
        except ActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, done_message(triaged))
            if form.cleaned_data.get("next") == "inbox":
                return redirect("intake:inbox")
            return redirect("intake:console")
    if request.POST.get("next") == "inbox":
        from siaga.intake.inbox import inbox_context

        context = inbox_context(contact) | {"form": form}
        return render(request, "intake/inbox.html", context, status=422)
    context = console_context(contact, form)
    return render(request, "intake/console.html", context, status=422)


def done_message(contact: Contact) -> str:
    if contact.incident is not None:
        return _("Tersimpan: %(number)s.") % {"number": contact.incident.number}
    if contact.deflection_reference:
        return _("Diteruskan ke kanal aduan kota, nomor rujukan %(ref)s.") % {
            "ref": contact.deflection_reference
        }
    return _("Tersimpan sebagai %(kind)s.") % {
        "kind": contact.get_classification_display()
    }


@require_POST
def manual_call(request: HttpRequest) -> HttpResponse:
    user = require(request.user, Can.WRITE_CONTACTS)
    caller_id = request.POST.get("caller_id", "")[:100].replace("\x00", "")
    contact = log_call_by_hand(caller_id=caller_id, actor=user)
    return redirect(f"/konsol/?kontak={contact.public_id}")


@require_POST
def callback(request: HttpRequest, contact_id: str) -> HttpResponse:
    user = require(request.user, Can.WRITE_CONTACTS)
    try:
        record_callback(
            get_contact(contact_id), note=request.POST.get("note", ""), actor=user
        )
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("intake:console")


@require_GET
def places(request: HttpRequest) -> HttpResponse:
    require(request.user, Can.WRITE_CONTACTS)
    query = request.GET.get("q") or request.GET.get("address") or ""
    hits = search_places(query[:100])
    return render(request, "intake/_places.html", {"places": hits})


@require_GET
def duplicates(request: HttpRequest) -> HttpResponse:
    require(request.user, Can.WRITE_CONTACTS)
    category = Category.objects.filter(code=request.GET.get("category", "")).first()
    lat, lon = number(request.GET.get("lat")), number(request.GET.get("lon"))
    found = possible_duplicates(category=category, lat=lat, lon=lon)
    return render(request, "intake/_duplicates.html", {"candidates": found})


@require_GET
def whose(request: HttpRequest) -> HttpResponse:
    """Whose area the point being typed is: the console's border warning."""
    require(request.user, Can.WRITE_CONTACTS)
    lat, lon = number(request.GET.get("lat")), number(request.GET.get("lon"))
    found = None
    if lat is not None and lon is not None and -90 <= lat <= 90:
        found = candidates(lat, lon, number(request.GET.get("radius"), 0, 100_000))
    return render(request, "areas/_whose.html", {"whose": found})


def number(raw: str | None, low: float = -180, high: float = 180) -> float | None:
    """A query parameter as a number within [low, high] (coordinates by default)."""
    try:
        value = float(raw or "")
    except ValueError:
        return None
    return value if low <= value <= high else None
