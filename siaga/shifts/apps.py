from django.apps import AppConfig


class ShiftsConfig(AppConfig):
    name = "siaga.shifts"
    label = "shifts"
    verbose_name = "Giliran jaga"
