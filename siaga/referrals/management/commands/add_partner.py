"""`siaga add-partner`: a neighbouring centre for electronic referrals (EIDO)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from siaga.lib.errors import ActionError
from siaga.referrals.actions import save_referral_partner


class Command(BaseCommand):
    help = (
        "Set up (or update) a neighbouring 112 centre that exchanges referrals over "
        "HTTPS. The first time, prints the token the partner must use to call us."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--code", required=True, help="the neighbour's area code")
        parser.add_argument("--name", default="", help="a new neighbour's name")
        parser.add_argument("--url", required=True, help="the partner's base URL")
        parser.add_argument(
            "--their-token", default=None, help="the token the partner gave us"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            _, token = save_referral_partner(
                code=options["code"],
                name=options["name"],
                base_url=options["url"],
                outbound_token=options["their_token"],
                actor=None,
            )
        except ActionError as error:
            raise CommandError(error.message) from None
        self.stdout.write(token or "partner updated (its token was issued before)")
