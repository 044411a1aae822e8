from django.urls import path

from siaga.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_page, name="page"),
    path("feed.atom", views.feed, name="feed"),
    path("<str:identifier>/batal/", views.cancel, name="cancel"),
]
