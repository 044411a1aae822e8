from django.apps import AppConfig


class BoardConfig(AppConfig):
    name = "siaga.board"
    label = "board"
    verbose_name = "Papan koordinator dan layar theater"
