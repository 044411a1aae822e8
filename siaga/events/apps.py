from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "siaga.events"
    label = "events"
    verbose_name = "Log peristiwa"
