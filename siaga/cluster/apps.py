from django.apps import AppConfig


class ClusterConfig(AppConfig):
    name = "siaga.cluster"
    label = "cluster"
    verbose_name = "Server utama dan cadangan"
