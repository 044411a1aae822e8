"""The statistics' arithmetic done by the database: local clock parts, durations and
percentiles, so that a year of rows is grouped and measured where it lies.

Django's own `ExtractHour(tzinfo=…)` calls a Python function per row on SQLite (10 s
for 2.5 million contacts). Indonesia's three zones (WIB, WITA, WIT) have kept one
offset since 1964, so on SQLite the local clock is the UTC time shifted by that offset
in SQLite's own `strftime`; PostgreSQL converts with `AT TIME ZONE` (the zone's name).
A zone with daylight saving would make the shift wrong for part of the year:
`fixed_offset` refuses one.

Percentiles are linear interpolation between the closest ranks on both databases:
PostgreSQL's `percentile_cont` and numpy's default agree, and the month test holds
both to the same figures.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    F,
    Field,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
)
from django.db.models.sql.compiler import SQLCompiler

from siaga.lib.fields import WIB

Compiled = tuple[str, tuple[Any, ...]]


def fixed_offset(zone: ZoneInfo) -> timedelta:
    """The zone's one UTC offset; ValueError for a zone whose offset changes."""
    offsets = {
        datetime(year, month, 1, tzinfo=zone).utcoffset()
        for year in (2000, 2030)
        for month in (1, 7)
    }
    if len(offsets) != 1:
        raise ValueError(
            f"{zone.key} changes its UTC offset; statistics assume it does not"
        )
    (offset,) = offsets
    assert offset is not None
    return offset


class LocalClock(Func):
    """A moment on the local clock: "hour" (0–23), "weekday" (1 = Monday … 7) or
    "month" ("2026-11")."""

    PARTS = {
        # part: (SQLite strftime format, PostgreSQL expression around the local time)
        "hour": ("%H", "EXTRACT(HOUR FROM {local})::integer"),
        "weekday": ("%w", "EXTRACT(ISODOW FROM {local})::integer"),
        "month": ("%Y-%m", "to_char({local}, 'YYYY-MM')"),
    }

    def __init__(self, field: str, part: str, zone: ZoneInfo = WIB) -> None:
        if part not in self.PARTS:
            raise ValueError(f"unknown clock part {part!r}")
        self.part, self.zone = part, zone
        output: Field[Any, Any] = CharField() if part == "month" else IntegerField()
        super().__init__(F(field), output_field=output)

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> Compiled:
        field, params = compiler.compile(self.source_expressions[0])
        local = f"({field} AT TIME ZONE %s)"
        return self.PARTS[self.part][1].format(local=local), (*params, self.zone.key)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> Compiled:
        field, params = compiler.compile(self.source_expressions[0])
        shift = f"{int(fixed_offset(self.zone).total_seconds()):+d} seconds"
        local = f"strftime(%s, {field}, %s)"
        found = (self.PARTS[self.part][0], *params, shift)
        if self.part == "hour":
            return f"CAST({local} AS INTEGER)", found
        if self.part == "weekday":  # %w counts from Sunday = 0
            return f"((CAST({local} AS INTEGER) + 6) % 7 + 1)", found
        return local, found


class Seconds(Func):
    """Seconds from `earlier` to `later` (NULL when either is), to the millisecond."""

    output_field = FloatField()

    def __init__(self, later: str, earlier: str) -> None:
        super().__init__(F(later), F(earlier))

    def _both(self, compiler: SQLCompiler) -> tuple[str, str, tuple[Any, ...]]:
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return later, earlier, (*later_params, *earlier_params)

    def as_sql(  # type: ignore[override]
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> Compiled:
        later, earlier, params = self._both(compiler)
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))::double precision", params

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> Compiled:
        # SQLite keeps times to the millisecond internally; rounding there removes the
        # floating-point dust of julianday (15 s must stay 15.0, not 15.000000001).
        later, earlier, params = self._both(compiler)
        return (
            f"ROUND((julianday({later}) - julianday({earlier})) * 86400.0, 3)",
            params,
        )


class Percentile(Aggregate):
    """PostgreSQL's `percentile_cont(fraction) WITHIN GROUP (ORDER BY …)`."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: str, fraction: float) -> None:
        super().__init__(expression, fraction=float(fraction))


@dataclass(frozen=True)
class Spread:
    """How long something took, in seconds, over `count` cases."""

    count: int
    median: float | None
    p90: float | None


NOTHING = Spread(0, None, None)


def spread(seconds: Iterable[float]) -> Spread:
    """Median and 90th percentile, by linear interpolation between the closest ranks."""
    values = numpy.fromiter(seconds, dtype=float)
    if not len(values):
        return NOTHING
    median, p90 = numpy.percentile(values, [50, 90])
    return Spread(len(values), round(float(median), 1), round(float(p90), 1))


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def spreads(rows: QuerySet[Any], seconds: Func, by: str = "") -> dict[str, Spread]:
    """The spread of `seconds` over the rows where it is known, for each value of the
    field `by` (or under "" for all rows): percentiles in SQL on PostgreSQL, in numpy
    over the fetched durations elsewhere."""
    # No `took IS NOT NULL` filter: it would evaluate a subquery inside `seconds` a
    # second time per row. COUNT and percentile_cont skip NULLs; Python drops them.
    measured = rows.order_by().annotate(took=seconds)
    if connection.vendor == "postgresql":
        keyed = measured.values(by) if by else measured
        figures = {
            "n": Count("took"),
            "median": Percentile("took", 0.5),
            "p90": Percentile("took", 0.9),
        }
        found = (
            list(keyed.annotate(**figures)) if by else [measured.aggregate(**figures)]
        )
        return {
            str(row[by]) if by else "": Spread(
                row["n"], _rounded(row["median"]), _rounded(row["p90"])
            )
            for row in found
            if row["n"]
        }
    grouped: dict[str, list[float]] = {}
    for key, took in measured.values_list(by or "took", "took"):
        if took is not None:
            grouped.setdefault(str(key) if by else "", []).append(took)
    return {key: spread(values) for key, values in grouped.items()}


def spread_of(rows: QuerySet[Any], seconds: Func) -> Spread:
    return spreads(rows, seconds).get("", NOTHING)


def shares_within(
    rows: QuerySet[Any], seconds: Func, limits: Iterable[int]
) -> dict[int, float | None]:
    """For each limit, the share of the rows (where `seconds` is known) that took at
    most that long, counted in SQL."""
    measured = rows.order_by().annotate(took=seconds).filter(took__isnull=False)
    limits = list(limits)
    found = measured.aggregate(
        n=Count("took"),
        **{f"w{limit}": Count("took", filter=Q(took__lte=limit)) for limit in limits},
    )
    total = found["n"]
    return {
        limit: round(found[f"w{limit}"] / total, 4) if total else None
        for limit in limits
    }
