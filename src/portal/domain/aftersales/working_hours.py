"""Working hours for after-sales SLAs: by default Monday–Friday 09:00–18:00 Asia/Shanghai (configurable).

``add`` gives the instant ``hours`` working hours after a start (the SLA's due time); ``between``
counts the working time from one instant to another (the SLA age the queue shows).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from portal.domain.settings.config import DEFAULT_WORKING_HOURS


@dataclass(frozen=True)
class WorkingHours:
    days: frozenset[int]  # Monday is 0
    start: time
    end: time
    tz: ZoneInfo

    @classmethod
    def of(cls, raw: dict | None) -> WorkingHours:
        conf = {**DEFAULT_WORKING_HOURS, **(raw or {})}
        start, end = time.fromisoformat(conf["start"]), time.fromisoformat(conf["end"])
        days = frozenset(int(d) for d in conf["days"] if 0 <= int(d) <= 6)
        if not days or end <= start:
            return cls.of(None)
        return cls(days, start, end, ZoneInfo(conf["tz"]))

    def _window(self, day: datetime) -> tuple[datetime, datetime] | None:
        """The working window of ``day``'s local date, or None on a day off."""
        if day.weekday() not in self.days:
            return None
        d = day.date()
        return datetime.combine(d, self.start, self.tz), datetime.combine(d, self.end, self.tz)

    def _days_from(self, at: datetime):  # noqa: ANN202 - the windows from at's local day on
        local = at.astimezone(self.tz)
        day = datetime.combine(local.date(), time(12), self.tz)
        while True:
            window = self._window(day)
            if window:
                yield window
            day += timedelta(days=1)

    def add(self, start: datetime, hours: float) -> datetime:
        """The instant ``hours`` working hours after ``start``."""
        left = timedelta(hours=hours)
        for opens, closes in self._days_from(start):
            begin = max(opens, start)
            if begin >= closes:
                continue
            if begin + left <= closes:
                return begin + left
            left -= closes - begin
        raise AssertionError("unreachable")  # pragma: no cover

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from ``start`` to ``end`` (zero when end is not later)."""
        total = timedelta()
        if end <= start:
            return total
        for opens, closes in self._days_from(start):
            if opens >= end:
                return total
            begin, finish = max(opens, start), min(closes, end)
            if finish > begin:
                total += finish - begin
