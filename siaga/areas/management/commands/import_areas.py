"""`siaga import-areas FILE.geojson`: official
boundaries replace the approximate ones."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from siaga.areas.actions import import_boundaries
from siaga.areas.geojson import PropertyMap, read_boundaries
from siaga.areas.models import AreaKind
from siaga.lib.errors import ActionError


class Command(BaseCommand):
    help = (
        "Import official boundaries (BIG, Kemendagri, OpenStreetMap) from a GeoJSON "
        "FeatureCollection. Every feature is checked first; if any is invalid, "
        "nothing is imported and each problem is listed with the feature's index."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--kind",
            choices=[k.value for k in AreaKind],
            default=AreaKind.KELURAHAN.value,
        )
        parser.add_argument(
            "--name-property", default="name", help="property with the name"
        )
        parser.add_argument(
            "--code-property", default="", help="property with the code"
        )
        parser.add_argument(
            "--parent-property", default="", help="property with the parent area's code"
        )
        parser.add_argument(
            "--match",
            choices=["code", "name"],
            default="",
            help="match areas by code (default with --code-property) or by name",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            data = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"cannot read {options['file']}: {error}") from None
        properties = PropertyMap(
            name=options["name_property"],
            code=options["code_property"],
            parent_code=options["parent_property"],
        )
        boundaries, problems = read_boundaries(data, properties)
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(problems)} problem(s); nothing was imported")
        match_by = options["match"] or ("code" if properties.code else "name")
        try:
            report = import_boundaries(
                boundaries, kind=options["kind"], match_by=match_by, actor=None
            )
        except ActionError as error:
            raise CommandError(f"{error.message}; nothing was imported") from None
        self.stdout.write(
            f"Imported {len(boundaries)} boundaries: {len(report.updated)} updated, "
            f"{len(report.created)} created."
        )
        if report.untouched:
            self.stdout.write(
                f"{len(report.untouched)} {options['kind']} not in the file kept their "
                f"geometry: {', '.join(report.untouched)}"
            )
