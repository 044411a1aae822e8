from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "siaga.stats"
    label = "stats"
    verbose_name = "Statistik"
