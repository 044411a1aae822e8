from django.urls import path

from siaga.incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("kertas/", views.paper_form, name="paper_form"),  # before <number>/
    path("<str:number>/", views.incident_detail, name="detail"),
    path("<str:number>/catatan/", views.add_note, name="add_note"),
    path("<str:number>/rekaman.json", views.incident_record, name="record"),
]
