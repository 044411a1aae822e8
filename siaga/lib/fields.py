"""API schema types: safe fields, the error format, pages of results."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

from django.db.models import Model, QuerySet
from ninja import Schema
from pydantic import AfterValidator, BaseModel, Field, ValidationError


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
M = TypeVar("M", bound=Model)
WIB = ZoneInfo("Asia/Jakarta")


class ErrorBody(BaseModel):
    code: str = Field(description="stable, for programs: not_found, invalid_input…")
    message: str = Field(description="for people")
    fields: dict[str, list[str]] | None = Field(
        None, description="the fields at fault, each with its messages"
    )


class ErrorOut(BaseModel):
    """Every 4xx answer of the API has this shape."""

    error: ErrorBody


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """The error responses of an operation, for its OpenAPI description."""
    return dict.fromkeys((400, 401, *codes), ErrorOut)


B = TypeVar("B", bound=BaseModel)


def parse_json(raw: str | bytes, what: str = "the body") -> Any:
    """Untrusted JSON: anything unreadable, a number too long for Python, or nesting too
    deep becomes a 400 (`Unreadable`), never a 500."""
    from siaga.lib.errors import Unreadable

    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise Unreadable(f"{what} is not readable JSON") from None


def validated(schema: type[B], data: object) -> B:
    """A body read by hand (a form, a multipart field) checked like a JSON one: the
    first problem becomes a 422 naming its field."""
    from siaga.lib.errors import InvalidInput

    try:
        return schema.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "body"
        raise InvalidInput(f"{field}: {first['msg']}", field=field) from None


class Body(BaseModel):
    """Base of every request body: a JSON object, nothing else.

    ninja's own Schema reads attributes from any object, so a body of `"AAA"` or `[]`
    would validate as an empty object and silently change nothing; a plain pydantic
    model refuses anything but an object.
    """


class PageQuery(Schema):
    """`?limit=&offset=` for every list; a filter schema adds its own fields."""

    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)


def paginate(
    rows: QuerySet[M], page: PageQuery, render: Callable[[M], dict[str, Any]]
) -> dict[str, Any]:
    """`{"count": …, "items": […]}` for one page of a queryset."""
    window = rows[page.offset : page.offset + page.limit]
    return {"count": rows.count(), "items": [render(row) for row in window]}


def sane_moment(value: datetime) -> datetime:
    """A time a report could carry: 2000–2100, offset within ±14 h; naive means WIB.

    PostgreSQL refuses what Python accepts (year 4, offset +19:10): refuse it here."""
    if not 2000 <= value.year <= 2100:
        raise ValueError("the time must fall between the years 2000 and 2100")
    if value.tzinfo is None:
        value = value.replace(tzinfo=WIB)
    offset = value.utcoffset()
    if offset is None or abs(offset) > timedelta(hours=14):
        raise ValueError("the time zone offset must be within ±14 hours")
    return value.astimezone(UTC)


Moment = Annotated[datetime, AfterValidator(sane_moment)]


def unix_moment(value: object) -> datetime | None:
    """Unix seconds (int, or a string of digits) as an aware UTC time, if sane."""
    try:
        moment = datetime.fromtimestamp(int(str(value)), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
    return moment if 2000 <= moment.year <= 2100 else None
