from django.urls import path

from siaga.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("laporan/", views.pick_monthly_report, name="pick_monthly_report"),
    path("laporan/<str:month>.<str:kind>", views.monthly_report, name="monthly_report"),
    path("data-terbuka/<str:month>.csv", views.open_data, name="open_data"),
]
