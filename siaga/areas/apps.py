from django.apps import AppConfig


class AreasConfig(AppConfig):
    name = "siaga.areas"
    label = "areas"
    verbose_name = "Wilayah dan patokan"
