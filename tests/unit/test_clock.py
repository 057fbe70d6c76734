"""The business clock: Shanghai's calendar day, and the dates and times nobody can mean."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from portal import clock


@pytest.mark.parametrize(
    ("utc", "business_day"),
    [
        (datetime(2026, 11, 30, 15, 59, tzinfo=UTC), date(2026, 11, 30)),
        (datetime(2026, 11, 30, 16, 0, tzinfo=UTC), date(2026, 12, 1)),  # midnight in Shanghai
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), date(2027, 1, 1)),  # new business year, old UTC year
    ],
)
def test_today_is_the_shanghai_day_whatever_the_host_says(utc, business_day):
    with time_machine.travel(utc, tick=False):
        assert clock.today() == business_day
        assert clock.now() == utc and clock.now().tzinfo is not None
        assert clock.business_date(clock.now()) == business_day


@pytest.mark.parametrize(
    "raw",
    ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "1999-12-31T23:59:59+00:00", "yesterday", ""],
)
def test_instants_nobody_can_mean_are_refused(raw):
    with pytest.raises(ValueError):
        clock.parse_instant(raw)


def test_an_instant_without_offset_is_shanghai_time():
    assert clock.parse_instant("2026-05-02T09:30") == datetime(2026, 5, 2, 1, 30, tzinfo=UTC)
    assert clock.parse_instant("2026-05-02T09:30:00Z") == datetime(2026, 5, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("raw", ["9999-12-31", "0001-01-01", "2026-02-30", "20261201x"])
def test_dates_outside_reason_are_refused(raw):
    with pytest.raises(ValueError):
        clock.parse_date(raw)


def test_planning_horizon_and_future_events():
    with time_machine.travel(datetime(2026, 11, 30, 16, 30, tzinfo=UTC), tick=False):
        assert clock.parse_planning_date("2029-11-30") == date(2029, 11, 30)
        with pytest.raises(clock.BeyondHorizon):
            clock.parse_planning_date("2030-01-01")
        with pytest.raises(clock.BeyondHorizon):
            clock.parse_planning_date("9999-12-31")  # would reach PostgreSQL as `infinity`
        with pytest.raises(ValueError):
            clock.parse_planning_date("1999-12-31")
        assert not clock.in_the_future(clock.now() + timedelta(minutes=5))  # a carrier's clock runs fast
        assert clock.in_the_future(clock.now() + timedelta(hours=1))
