from django.urls import path

from siaga.cluster import views

app_name = "cluster"
urlpatterns = [
    path("", views.servers, name="servers"),
    path("latihan/", views.planning_drill, name="plan_drill"),
    path("kertas/", views.printing_paper_forms, name="paper_forms"),
    path("latihan/<int:drill_id>/batal/", views.cancelling_drill, name="cancel_drill"),
]
