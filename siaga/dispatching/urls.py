from django.urls import path

from siaga.dispatching import views
from siaga.units import views as units

app_name = "dispatching"
urlpatterns = [
    path("", views.console, name="console"),
    path("<str:number>/jawab/", views.respond, name="respond"),
    path("<str:number>/bantuan/", views.assistance, name="assistance"),
    path("<str:number>/perjalanan/", units.trip, name="trip"),
    path("unit/<str:call_sign>/tugaskan/", units.assign, name="assign"),
    path("unit/<str:call_sign>/status/", units.unit_status, name="unit_status"),
]
