from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class AccountsConfig(AppConfig):
    name = "siaga.accounts"
    label = "accounts"
    verbose_name = "Akun dan peran"

    def ready(self) -> None:
        from siaga.accounts.roles import Role

        unknown = set(settings.SIAGA_TWO_STEP_ROLES) - set(Role.values)
        if unknown:
            raise ImproperlyConfigured(
                "SIAGA_TWO_STEP_ROLES lists unknown roles: "
                + ", ".join(sorted(unknown))
            )
