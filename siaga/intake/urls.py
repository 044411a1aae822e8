from django.urls import path

from siaga.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.console, name="console"),
    path("antrean/", views.queue, name="queue"),
    path("tempat/", views.places, name="places"),
    path("ganda/", views.duplicates, name="duplicates"),
    path("panggilan-manual/", views.manual_call, name="manual_call"),
    path("kontak/<str:contact_id>/", views.triage, name="triage"),
    path("kontak/<str:contact_id>/telepon-balik/", views.callback, name="callback"),
]
