"""Field types for API schemas that refuse what the database would choke on."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field


def no_nul(value: str) -> str:
    """PostgreSQL text cannot hold NUL; refuse it here as a 422, not later as a 500."""
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


ShortText = Annotated[str, Field(max_length=300), AfterValidator(no_nul)]
LongText = Annotated[str, Field(max_length=10_000), AfterValidator(no_nul)]
Code = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(no_nul)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Metres = Annotated[int, Field(ge=0, le=1_000_000)]
