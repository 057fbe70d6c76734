"""The one business clock: every "now" and "today" in the portal comes from here.

The business runs on Shanghai time (Asia/Shanghai, UTC+8, no daylight saving): an order placed
at 01:00 on 1 March in Shanghai belongs to 1 March even though it is still 28 February in UTC.
The database stores UTC; dates a person reads or picks (requested and promised delivery dates,
production dates, "today" in a form's minimum) are business dates. Tests move this clock with
`time-machine`, which moves `datetime.now` for the whole process.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current instant, timezone-aware in UTC (what the database stores)."""
    return datetime.now(UTC)


def today() -> date:
    """The current business day: the calendar date in Shanghai, not the host's date."""
    return datetime.now(BUSINESS_TZ).date()


def business_date(at: datetime) -> date:
    """The business day an aware instant falls on (raises ValueError for a naive datetime)."""
    if at.tzinfo is None:
        raise ValueError("a naive datetime has no business day")
    return at.astimezone(BUSINESS_TZ).date()
