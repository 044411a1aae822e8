from django.urls import path

from siaga.intake import inbox, views

app_name = "intake"
urlpatterns = [
    path("", views.console, name="console"),
    path("antrean/", views.queue, name="queue"),
    path("tempat/", views.places, name="places"),
    path("ganda/", views.duplicates, name="duplicates"),
    path("wilayah/", views.whose, name="whose"),
    path("panggilan-manual/", views.manual_call, name="manual_call"),
    path("kontak/<str:contact_id>/", views.triage, name="triage"),
    path("kontak/<str:contact_id>/telepon-balik/", views.callback, name="callback"),
    path("pesan/", inbox.inbox, name="inbox"),
    path("pesan/<str:contact_id>/balas/", inbox.reply, name="reply"),
    path("pesan/keluar/<str:message_id>/ulang/", inbox.retry, name="retry"),
    path("media/<str:media_id>/", inbox.media, name="media"),
]
