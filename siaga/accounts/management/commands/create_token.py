"""`siaga create-token --user NAME [--scope CAPABILITY …]`: print a bearer token for an
integration, narrowed to the scopes named (default: everything its role may do)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from siaga.accounts.actions import issue_api_token
from siaga.accounts.models import User
from siaga.accounts.roles import Can
from siaga.lib.errors import ActionError


class Command(BaseCommand):
    help = "Issue an API bearer token for a user: shown once, stored only as a hash."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--user", required=True)
        parser.add_argument(
            "--name", default="", help="what the token is for, e.g. 'PBX'"
        )
        parser.add_argument(
            "--scope",
            action="append",
            choices=sorted(Can),
            help="a capability the token may use (repeat); default: all of the role's",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['user']!r}")
        try:
            _, token = issue_api_token(
                user=user,
                name=options["name"] or "cli",
                actor=None,
                scopes=options["scope"],
            )
        except ActionError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(token)
