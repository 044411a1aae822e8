from django.apps import AppConfig


class SimulatorConfig(AppConfig):
    name = "siaga.simulator"
    label = "simulator"
    verbose_name = "Simulator"
