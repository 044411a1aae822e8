"""The supervisor's alert page, and the public Atom feed of alerts in force."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from siaga.accounts.access import require
from siaga.alerts.actions import cancel_alert, issue_alert
from siaga.alerts.cap import ATOM_CONTENT_TYPE, render_feed
from siaga.alerts.forms import AlertForm
from siaga.alerts.models import ISSUE_ALERTS, Alert
from siaga.lib.errors import ActionError

LIST_LIMIT = 50


@require_http_methods(["GET", "POST"])
def alert_page(request: HttpRequest) -> HttpResponse:
    user = require(request.user, ISSUE_ALERTS)
    form = AlertForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            try:
                alert = issue_alert(
                    info=form.info(),
                    where=form.where(),
                    status=form.cleaned_data["status"],
                    actor=user,
                )
            except ActionError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
                status = error.http_status
            else:
                messages.success(
                    request,
                    _("Peringatan %(id)s diterbitkan.") % {"id": alert.identifier},
                )
                return redirect("alerts:page")
    context = {
        "form": form,
        "current": Alert.objects.current().for_display()[:LIST_LIMIT],
        "recent": Alert.objects.for_display()[:LIST_LIMIT],
    }
    return render(request, "alerts/alerts.html", context, status=status)


@require_POST
def cancel(request: HttpRequest, identifier: str) -> HttpResponse:
    user = require(request.user, ISSUE_ALERTS)
    alert = get_object_or_404(Alert, identifier=identifier)
    try:
        done = cancel_alert(alert, note=request.POST.get("note", ""), actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Pembatalan %(id)s dikirim.") % {"id": done.identifier}
        )
    return redirect("alerts:page")


@login_not_required
@require_GET
@cache_control(public=True, max_age=60)
def feed(request: HttpRequest) -> HttpResponse:
    """Public by design: alerts are for everyone. Only alerts in force are listed."""
    alerts = Alert.objects.current()
    return HttpResponse(render_feed(alerts), content_type=ATOM_CONTENT_TYPE)
