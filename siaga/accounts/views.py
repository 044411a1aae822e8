from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_POST

from siaga.accounts.models import User
from siaga.accounts.roles import Can


@method_decorator(login_not_required, name="dispatch")
class SignInView(LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


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
