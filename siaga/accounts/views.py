from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from siaga.accounts.access import require
from siaga.accounts.actions import (
    enable_two_step,
    end_session,
    renew_recovery_codes,
    use_two_step_code,
)
from siaga.accounts.models import User
from siaga.accounts.roles import Can
from siaga.accounts.sessions import ADDRESS, SINCE, active_sessions
from siaga.accounts.throttle import forget_failures, minutes_locked, note_failure
from siaga.accounts.totp import new_secret, provisioning_uri, qr_svg
from siaga.lib.errors import ActionError


@method_decorator(login_not_required, name="dispatch")
class SignInView(LoginView):
    """Django's sign-in, throttled (siaga/accounts/throttle.py): past the limit even
    the right password is refused until the window passes, with 429."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")[:150]
        locked = minutes_locked(username, address_of(request))
        if locked:
            context = self.get_context_data(form=self.get_form_class()(request))
            response = self.render_to_response(context | {"locked_minutes": locked})
            response.status_code = 429
            response["Retry-After"] = str(locked * 60)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        note_failure(self.request.POST.get("username", ""), address_of(self.request))
        return super().form_invalid(form)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        forget_failures(user.get_username(), address_of(self.request))
        if isinstance(user, User) and user.totp_confirmed_at:
            # Password right; the code from the person's app comes next.
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": getattr(user, "backend", ""),
                "next": self.get_success_url(),
            }
            return redirect("accounts:second_step")
        response = super().form_valid(form)
        note_sign_in(self.request)
        return response


def note_sign_in(request: HttpRequest) -> None:
    """When and from where, for the admin's list of sessions (accounts/sessions.py)."""
    request.session[SINCE] = timezone.now().isoformat(timespec="seconds")
    request.session[ADDRESS] = address_of(request) or ""


def address_of(request: HttpRequest) -> str | None:
    """The client's address (uvicorn sets it from the proxy's header in production)."""
    return request.META.get("REMOTE_ADDR") or None


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Where a signed-in person starts: a crew on its unit, everyone else the list."""
    user = request.user
    if isinstance(user, User) and user.can(Can.CREW_UNIT):
        return redirect("units:crew")
    return redirect("incidents:list")


@require_GET
def sessions_page(request: HttpRequest) -> HttpResponse:
    """Admins: everyone signed in now, where and since when; end any session."""
    require(request.user, Can.ADMINISTER)
    return render(request, "accounts/sessions.html", {"sessions": active_sessions()})


@require_POST
def ending_session(request: HttpRequest, handle: str) -> HttpResponse:
    user = require(request.user, Can.ADMINISTER)
    try:
        ended = end_session(handle[:64], actor=user)
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Sesi {ended.get_username()} diakhiri.")
    return redirect("accounts:sessions")


PENDING = "siaga_pending_sign_in"
SETUP = "siaga_two_step_setup"


@login_not_required
@require_http_methods(["GET", "POST"])
def second_step(request: HttpRequest) -> HttpResponse:
    """After the password: the 6-digit code from the person's authenticator app."""
    pending = request.session.get(PENDING) or {}
    user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    if user is None:
        return redirect("accounts:login")
    context: dict[str, Any] = {}
    if request.method == "POST":
        address = address_of(request)
        locked = minutes_locked(user.get_username(), address)
        if locked:
            response = render(
                request, "accounts/second_step.html", {"locked_minutes": locked}
            )
            response.status_code = 429
            response["Retry-After"] = str(locked * 60)
            return response
        try:
            use_two_step_code(user, request.POST.get("code", "")[:20])
        except ActionError:
            note_failure(user.get_username(), address)
            context["wrong"] = True
        else:
            del request.session[PENDING]
            login(request, user, backend=pending["backend"] or None)
            note_sign_in(request)
            return redirect(pending["next"])
    return render(request, "accounts/second_step.html", context)


@require_http_methods(["GET", "POST"])
def two_step_page(request: HttpRequest) -> HttpResponse:
    """Turn on two-step sign-in: the secret for the app (as text and a QR code), then
    a code to confirm it; the recovery codes are shown once, then and on renewal."""
    user = request.user
    if not isinstance(user, User):
        return redirect("accounts:login")
    if user.totp_confirmed_at:
        return two_step_enabled(request, user)
    secret = request.session.get(SETUP) or new_secret()
    request.session[SETUP] = secret
    wrong = False
    if request.method == "POST":
        try:
            codes = enable_two_step(
                user, secret=secret, code=request.POST.get("code", "")[:20]
            )[1]
        except ActionError:
            wrong = True
        else:
            del request.session[SETUP]
            # The session hash is unchanged (password, role, agency), so this stays.
            messages.success(request, _("Masuk dua langkah aktif."))
            return codes_page(request, codes)
    issuer = f"Siaga112 {settings.SIAGA_CITY_CODE}"
    uri = provisioning_uri(secret, user.get_username(), issuer)
    context = {
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "uri": uri,
        "qr": mark_safe(qr_svg(uri)),  # noqa: S308 (segno's SVG of our own URI)
        "wrong": wrong,
        "required": user.role in settings.SIAGA_TWO_STEP_ROLES,
    }
    return render(request, "accounts/two_step.html", context)


def two_step_enabled(request: HttpRequest, user: User) -> HttpResponse:
    """Two-step is on: how many recovery codes are left, and new ones for a current
    code (a session left open must not be enough to mint a way past the code step)."""
    context: dict[str, Any] = {"enabled": True, "codes_left": len(user.totp_recovery)}
    if request.method == "POST":
        try:
            use_two_step_code(user, request.POST.get("code", "")[:20])
        except ActionError:
            context["wrong"] = True
        else:
            return codes_page(request, renew_recovery_codes(user))
    return render(request, "accounts/two_step.html", context)


def codes_page(request: HttpRequest, codes: list[str]) -> HttpResponse:
    """The recovery codes, once: never kept by a browser's cache or history."""
    response = render(request, "accounts/recovery_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


class RequireTwoStep:
    """Middleware: a signed-in person whose role must use two-step sign-in
    (SIAGA_TWO_STEP_ROLES) and has not turned it on reaches only the page that does."""

    # Only what it takes to enrol or leave; API calls with a token have no session
    # user, so machines are not affected.
    OPEN = (
        "/akun/dua-langkah/",
        "/akun/keluar/",
        "/akun/masuk/",
        "/akun/kode/",
        "/static/",
        "/healthz",
        "/readyz",
        "/i18n/",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            isinstance(user, User)
            and user.role in settings.SIAGA_TWO_STEP_ROLES
            and not user.totp_confirmed_at
            and not request.path.startswith(self.OPEN)
        ):
            return redirect("accounts:two_step")
        return self.get_response(request)
