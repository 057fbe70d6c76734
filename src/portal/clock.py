"""The one business clock: every "now" and "today" in the portal comes from here.

The business runs on Shanghai time (Asia/Shanghai, UTC+8, no daylight saving): an order placed
at 01:00 on 1 March in Shanghai belongs to 1 March even though it is still 28 February in UTC.
The database stores UTC; dates a person reads or picks (requested and promised delivery dates,
production dates, "today" in a form's minimum) are business dates. Tests move this clock with
`time-machine`, which moves `datetime.now` for the whole process.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
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


# Dates and times a person or a carrier could mean: anything outside is a typo or an attack
# (9999-12-31 would reach PostgreSQL as `infinity`; 0001-01-01T00:00+14:00 has no UTC instant).
FIRST_YEAR, LAST_YEAR = 2000, 2100
PLANNING_HORIZON_DAYS = 3 * 366  # a requested, promised or planned date at most ~3 years ahead
CLOCK_SKEW = timedelta(minutes=10)  # a carrier's clock may run this far ahead of ours


def parse_date(raw: str) -> date:
    """An ISO date (YYYY-MM-DD) in the years 2000-2100; ValueError for anything else."""
    day = date.fromisoformat(raw.strip())
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"{day.isoformat()} is outside {FIRST_YEAR}-{LAST_YEAR}")
    return day


def parse_instant(raw: str) -> datetime:
    """An ISO 8601 time as an aware UTC datetime; without an offset it is read as Shanghai time.

    ValueError for text that is not a time or a time outside the years 2000-2100.
    """
    when = datetime.fromisoformat(raw.strip())
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        raise ValueError(f"{raw!r} is outside {FIRST_YEAR}-{LAST_YEAR}")
    if when.tzinfo is None:
        when = when.replace(tzinfo=BUSINESS_TZ)
    return when.astimezone(UTC)


class BeyondHorizon(ValueError):
    """A planning date further ahead than anyone plans (about three years)."""


def parse_planning_date(raw: str) -> date:
    """A requested, promised or planned date: ISO, from 2000 on, at most ~3 years ahead.

    BeyondHorizon (a ValueError) for a date too far ahead, ValueError for anything else.
    """
    day = date.fromisoformat(raw.strip())
    if day.year < FIRST_YEAR:
        raise ValueError(f"{day.isoformat()} is before {FIRST_YEAR}")
    if day > today() + timedelta(days=PLANNING_HORIZON_DAYS):
        raise BeyondHorizon(day.isoformat())
    return day


def in_the_future(when: datetime) -> bool:
    """True for an event time later than now, allowing for a carrier's clock running a little fast."""
    return when > now() + CLOCK_SKEW
