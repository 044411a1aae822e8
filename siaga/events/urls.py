from django.urls import path

from siaga.events import views

app_name = "events"
urlpatterns = [path("events", views.live_events, name="live")]
