from django.urls import path

from siaga.shifts import views

app_name = "shifts"
urlpatterns = [
    path("", views.duty_page, name="duty"),
    path("masuk/", views.checking_in, name="check_in"),
    path("keluar/", views.checking_out, name="check_out"),
    path("serah/", views.handing_over, name="hand_over"),
    path("serah/<int:handover_id>/terima/", views.confirming, name="confirm"),
    path("rota/", views.rota, name="rota"),
    path("rota/tambah/", views.planning, name="plan"),
    path("beban/", views.workload, name="workload"),
]
