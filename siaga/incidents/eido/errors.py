"""The one error of the EIDO package."""

from __future__ import annotations


class EidoError(ValueError):
    """An EIDO we cannot use; the message says what is wrong and where."""
