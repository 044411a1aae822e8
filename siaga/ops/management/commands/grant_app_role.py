"""`siaga grant-app-role --role NAME`: the app's database role may write the tables but
never rewrite or erase the event log (siaga/ops/grants.py). PostgreSQL only; run as
the owner, after each `siaga migrate`."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from siaga.lib.errors import ActionError
from siaga.ops.grants import grant_app_role


class Command(BaseCommand):
    help = "Grant the app's own (non-owner) database role what it needs, and no more."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--role", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            done = grant_app_role(options["role"])
        except ActionError as error:
            raise CommandError(str(error)) from error
        for statement in done:
            self.stdout.write(statement)
