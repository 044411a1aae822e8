from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_POST

from siaga.accounts.access import require
from siaga.accounts.actions import end_session
from siaga.accounts.models import User
from siaga.accounts.roles import Can
from siaga.accounts.sessions import ADDRESS, SINCE, active_sessions
from siaga.accounts.throttle import forget_failures, minutes_locked, note_failure
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
        forget_failures(form.get_user().get_username(), address_of(self.request))
        response = super().form_valid(form)
        # For the admin's list of sessions (siaga/accounts/sessions.py).
        self.request.session[SINCE] = timezone.now().isoformat(timespec="seconds")
        self.request.session[ADDRESS] = address_of(self.request) or ""
        return response


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
