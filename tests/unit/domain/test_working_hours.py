"""Working hours for after-sales SLAs: Monday–Friday 09:00–18:00 Shanghai unless configured otherwise."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from portal.domain.aftersales.working_hours import WorkingHours

SH = ZoneInfo("Asia/Shanghai")
DEFAULT = WorkingHours.of(None)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """December 2026: the 4th is a Friday, the 7th a Monday."""
    return datetime(2026, 12, day, hour, minute, tzinfo=SH)


def test_eight_working_hours_from_friday_afternoon_end_on_monday():
    assert DEFAULT.add(at(4, 15), 8) == at(7, 14)


def test_a_ticket_opened_at_night_starts_counting_at_nine():
    assert DEFAULT.add(at(2, 23), 8) == at(3, 17)
    assert DEFAULT.add(at(5, 10), 1) == at(7, 10)  # Saturday: Monday 09:00 + 1 h


def test_working_time_between_skips_nights_and_weekends():
    assert DEFAULT.between(at(4, 17), at(7, 10)) == timedelta(hours=2)
    assert DEFAULT.between(at(5, 9), at(6, 18)) == timedelta(0)
    assert DEFAULT.between(at(7, 10), at(7, 9)) == timedelta(0)


def test_configured_hours_and_days_apply():
    six_days = WorkingHours.of({"days": [0, 1, 2, 3, 4, 5], "start": "08:00", "end": "12:00"})
    assert six_days.add(at(4, 11), 2) == at(5, 9)
    assert WorkingHours.of({"start": "18:00", "end": "09:00"}) == DEFAULT  # nonsense falls back
