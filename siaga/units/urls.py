from django.urls import path

from siaga.units import views

app_name = "units"
urlpatterns = [
    path("", views.crew_home, name="crew"),
    path("naik/", views.crew_sign_on, name="sign_on"),
    path("turun/", views.crew_sign_off, name="sign_off"),
    path("status/", views.crew_status, name="status"),
    path("serah-terima/", views.crew_handover, name="handover"),
]
