"""Pages residents use without an account: the report page `/lapor` and the tracking
page `/lacak/<code>`. Both are public by design and show nothing personal."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from siaga.intake.actions import Fix, MediaRef, record_contact
from siaga.intake.actions.outbox import new_tracking_code
from siaga.intake.forms import PublicReportForm
from siaga.intake.models import Channel, Contact
from siaga.intake.reports import check_report_limits, photo_ref, read_upload
from siaga.intake.tracking import STAGES, tracking_of
from siaga.lib.errors import ActionError


def client_address(request: HttpRequest) -> str | None:
    """The resident's address as the server saw it (uvicorn's proxy_headers put the
    real client here behind the reverse proxy)."""
    return request.META.get("REMOTE_ADDR") or None


@login_not_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        form = PublicReportForm(initial={"submission": uuid.uuid4()})
        return render(request, "intake/lapor.html", {"form": form})
    form = PublicReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "intake/lapor.html", {"form": form}, status=422)
    if form.cleaned_data.get("website"):  # a bot: answered as if accepted, not kept
        return redirect("public:report")
    try:
        contact = record_web_report(request, form)
    except ActionError as error:
        form.add_error(None, error.message)
        return render(
            request, "intake/lapor.html", {"form": form}, status=error.http_status
        )
    return redirect("public:track", code=contact.tracking_code)


def record_web_report(request: HttpRequest, form: PublicReportForm) -> Contact:
    data = form.cleaned_data
    existing = Contact.objects.filter(
        channel=Channel.WEB, provider_id=str(data["submission"])
    ).first()
    if existing is not None:  # the same form sent twice (a double tap, a retry)
        return existing
    address = client_address(request)
    check_report_limits(channel=Channel.WEB, sender=data["phone"], address=address)
    media: tuple[MediaRef, ...] = ()
    if data.get("photo"):
        media = (photo_ref(read_upload(data["photo"])),)
    fix = None
    if data.get("lat") is not None:
        fix = Fix(data["lat"], data["lon"], data.get("accuracy_m"), "browser")
    contact, _ = record_contact(
        channel=Channel.WEB,
        sender=data["phone"],
        display_name=data.get("name") or "",
        text=data["text"],
        provider_id=str(data["submission"]),
        raw_payload=request.POST.urlencode(),
        fix=fix,
        note=data.get("address") or "",
        media=media,
        source_address=address,
        tracking_code=new_tracking_code(),
        category_hint=data["category"],
        actor=None,
    )
    return contact


def tracked_contact(code: str) -> Contact:
    contact = (
        Contact.objects.select_related(
            "incident__category", "incident__merged_into__category", "category_hint"
        )
        .filter(tracking_code=code.upper()[:16])
        .first()
        if code
        else None
    )
    if contact is None:
        raise Http404("no report with this code")
    return contact


@login_not_required
@require_GET
def track(request: HttpRequest, code: str) -> HttpResponse:
    contact = tracked_contact(code)
    context = {
        "code": contact.tracking_code,
        "tracking": tracking_of(contact),
        "stages": STAGES,
        "received_at": contact.received_at,
    }
    partial = request.headers.get("HX-Request") == "true"
    template = "intake/_lacak.html" if partial else "intake/lacak.html"
    return render(request, template, context)
