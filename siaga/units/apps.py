from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "siaga.units"
    label = "units"
    verbose_name = "Unit lapangan"
