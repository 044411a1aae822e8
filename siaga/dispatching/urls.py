from django.urls import path

from siaga.dispatching import views

app_name = "dispatching"
urlpatterns = [
    path("", views.console, name="console"),
    path("<str:number>/jawab/", views.respond, name="respond"),
    path("<str:number>/bantuan/", views.assistance, name="assistance"),
]
