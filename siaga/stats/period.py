"""The span a figure covers: whole WIB days, start inclusive, end exclusive."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from siaga.lib.errors import InvalidInput
from siaga.lib.fields import WIB

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    @classmethod
    def days(cls, first: date, last: date) -> Period:
        """From the start of `first` to the end of `last`, in WIB."""
        if last < first:
            raise InvalidInput("the period ends before it starts", field="until")
        if (last - first).days > 3660:
            raise InvalidInput("a period of at most ten years", field="until")
        start = datetime.combine(first, time.min, tzinfo=WIB)
        end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=WIB)
        return cls(start, end)

    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).astimezone(WIB).date()

    @classmethod
    def month(cls, text: str) -> Period:
        """`2026-11` → 1 November 00:00 WIB up to 1 December 00:00 WIB."""
        found = MONTH.match(text.strip())
        if found is None or not 1 <= int(found.group(2)) <= 12:
            raise InvalidInput(f"{text[:20]!r} is not a month like 2026-11")
        year, month = int(found.group(1)), int(found.group(2))
        if not 2000 <= year <= 2999:
            raise InvalidInput(f"{text[:20]!r} is not a month like 2026-11")
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls.days(first, following - timedelta(days=1))


def this_month() -> Period:
    today = datetime.now(WIB).date()
    return Period.days(today.replace(day=1), today)


def day_of(raw: str, field: str) -> date:
    try:
        return date.fromisoformat(raw.strip()[:10])
    except ValueError:
        message = f"{raw[:20]!r} is not a date like 2026-11-30"
        raise InvalidInput(message, field=field) from None


def period_from(query: Mapping[str, str]) -> Period:
    """`?dari=2026-11-01&sampai=2026-11-30` (WIB days); this month when left out."""
    first, last = query.get("dari", ""), query.get("sampai", "")
    if not first and not last:
        return this_month()
    today = datetime.now(WIB).date()
    start = day_of(first, "dari") if first else today.replace(day=1)
    end = day_of(last, "sampai") if last else today
    return Period.days(start, end)
