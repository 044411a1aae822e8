from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "siaga.referrals"
    label = "referrals"
    verbose_name = "Rujukan wilayah lain"
