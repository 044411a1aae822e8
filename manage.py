#!/usr/bin/env python
"""Django's manage.py; the `siaga` console script does the same."""

from siaga.cli import main

if __name__ == "__main__":
    main()
