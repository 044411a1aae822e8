from django.urls import path

from siaga.board import views

app_name = "board"
urlpatterns = [
    path("", views.board, name="board"),
    path("peta.json", views.map_data, name="map_data"),
]
