from django.apps import AppConfig


class DispatchingConfig(AppConfig):
    name = "siaga.dispatching"
    label = "dispatching"
    verbose_name = "Penugasan OPD"
