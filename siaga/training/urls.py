from django.urls import path

from siaga.training import views

app_name = "training"
urlpatterns = [
    path("", views.index, name="index"),
    path("mulai/", views.start, name="start"),
    path("<int:exercise_id>/", views.exercise_page, name="exercise"),
    path("<int:exercise_id>/angkat/", views.picking_up, name="pick_up"),
    path("<int:exercise_id>/jawab/", views.answering, name="answer"),
]
