"""`siaga load-dataset tangerang` (or a path to a city's JSON data set)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from siaga.datasets.loader import load_dataset, read_dataset


class Command(BaseCommand):
    help = "Load a city data set; existing rows are kept, missing ones created."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("dataset", nargs="?", default="tangerang")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = read_dataset(options["dataset"])
        except (OSError, ValueError) as error:
            raise CommandError(
                f"cannot read data set {options['dataset']}: {error}"
            ) from None
        created = load_dataset(data, actor=None)
        summary = ", ".join(
            f"{count} {name}" for name, count in sorted(created.items())
        )
        self.stdout.write(
            f"Data set {data['name']}: created {summary or 'nothing (all present)'}"
        )
