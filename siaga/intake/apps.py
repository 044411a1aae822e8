from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "siaga.intake"
    label = "intake"
    verbose_name = "Kontak masuk"
