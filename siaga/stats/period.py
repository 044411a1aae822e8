"""The span a figure covers: whole WIB days, start inclusive, end exclusive."""

from __future__ import annotations

import re
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
