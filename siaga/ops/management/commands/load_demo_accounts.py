"""`siaga load-demo-accounts`: one account per role, printed with the demo password."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from siaga.datasets.demo import DEMO_PASSWORD, demo_accounts, load_demo_accounts


class Command(BaseCommand):
    help = "Create the demo accounts (refused in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.IS_PRODUCTION:
            raise CommandError("demo accounts are never created in production")
        load_demo_accounts()
        self.stdout.write(
            f"Akun demo / demo accounts (kata sandi / password: {DEMO_PASSWORD}):"
        )
        for username, role, agency, _ in demo_accounts():
            self.stdout.write(
                f"  {username:<12} {role}{' ' + agency if agency else ''}"
            )
