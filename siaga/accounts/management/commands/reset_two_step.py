"""`siaga reset-two-step --user NAME`: a lost phone; the person enrols again."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from siaga.accounts.actions import reset_two_step
from siaga.accounts.models import User


class Command(BaseCommand):
    help = "Turn off a person's two-step sign-in (a lost phone); they enrol again."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--user", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"no user {options['user']!r}")
        reset_two_step(user, actor=None)
        self.stdout.write(f"{user.get_username()}: two-step sign-in reset")
