from django.urls import path

from siaga.stats import views

app_name = "stats"
urlpatterns = [path("", views.dashboard, name="dashboard")]
