"""The `siaga` console script: Django's management commands under one name.

`siaga migrate`, `siaga serve`, `siaga worker`, `siaga load-dataset tangerang`, …
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        args[0] = args[0].replace("-", "_")  # `siaga import-areas` runs `import_areas`
    execute_from_command_line(["siaga", *args])


if __name__ == "__main__":
    main()
