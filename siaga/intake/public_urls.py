from django.urls import path

from siaga.intake import public

app_name = "public"
urlpatterns = [
    path("lapor/", public.report, name="report"),
    path("lacak/<str:code>/", public.track, name="track"),
]
