from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "siaga.agencies"
    label = "agencies"
    verbose_name = "OPD / instansi"
