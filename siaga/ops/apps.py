from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "siaga.ops"
    label = "ops"
    verbose_name = "Operasi server"
