from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from siaga.accounts import views as accounts_views
from siaga.api import api_urls

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("", include("siaga.ops.urls")),
    path("akun/", include("siaga.accounts.urls")),
    path("insiden/", include("siaga.incidents.urls")),
    path("live/", include("siaga.events.urls")),
    path("konsol/", include("siaga.intake.urls")),
    path("opd/", include("siaga.dispatching.urls")),
    path("unit/", include("siaga.units.urls")),  # the crew's phone
    path("papan/", include("siaga.board.urls")),
    path("statistik/", include("siaga.stats.urls")),
    path("giliran/", include("siaga.shifts.urls")),
    path("latihan/", include("siaga.training.urls")),
    path("server/", include("siaga.cluster.urls")),
    path("rujukan/", include("siaga.referrals.urls")),
    path("peringatan/", include("siaga.alerts.urls")),  # the page; feed.atom is public
    path("", include("siaga.intake.public_urls")),  # /lapor/, /lacak/<code>/: public
    # Anyone may pick a language, the login page included.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # One sign-in for everyone, the admin included: the code step and the throttle.
    path(
        "admin/login/",
        login_not_required(
            RedirectView.as_view(pattern_name="accounts:login", query_string=True)
        ),
    ),
    path("admin/", admin.site.urls),
    path("", api_urls()),  # /api/v1/… and /hooks/…
]

handler500 = "siaga.lib.unavailable.server_error"
