"""The fast paths of portal.formatting write exactly what Babel writes, for every value shape pages show."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

from portal import formatting
from portal.clock import BUSINESS_TZ
from portal.i18n import LOCALES, using_locale

_rng = random.Random(20261201)
AMOUNTS = [
    Decimal(v)
    for v in (
        "0", "0.00", "-0.00", "0.004", "0.005", "0.015", "0.025", "1", "12.5", "999.995", "1000",
        "12800.00", "23650.50", "-18.60", "1234567.891", "-9876543210.129", "100000000000.00",
        "1E+3", "2.5E-3",
    )
] + [Decimal(_rng.randrange(-10**12, 10**12)).scaleb(-_rng.randrange(0, 5)) for _ in range(300)]  # fmt: skip
INSTANTS = [
    datetime(2026, 11, 30, 16, 30, tzinfo=UTC),  # 00:30 on 1 December in Shanghai
    datetime(2026, 11, 20, 15, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 12, 31, 23, 59, 1, tzinfo=BUSINESS_TZ),
    datetime(2026, 6, 1, 4, 5, 6),  # naive: read as UTC, as Babel does
] + [datetime(2020, 1, 1, tzinfo=UTC) + timedelta(seconds=_rng.randrange(10**9)) for _ in range(300)]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("currency", ["CNY", "USD", "EUR", "JPY"])
def test_money_reads_as_babel_writes_it(locale, currency):
    assert formatting._layout(locale, "currency", currency) is not None  # the fast path is taken
    with using_locale(locale):
        for amount in AMOUNTS:
            assert formatting.money(amount, currency) == format_currency(amount, currency, locale=locale), (
                amount
            )
        assert formatting.money(12, currency) == format_currency(Decimal(12), currency, locale=locale)
        assert formatting.money("7.5", currency) == format_currency(Decimal("7.5"), currency, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_whole_numbers_read_as_babel_writes_them(locale):
    with using_locale(locale):
        for n in [0, 1, -1, 999, 1000, -1000, 1234567, 10**15, -(10**15)] + [
            _rng.randrange(-(10**9), 10**9) for _ in range(300)
        ]:
            assert formatting.number(n) == format_decimal(n, locale=locale), n
        for other in (Decimal("1.50"), 2.25, Decimal("1234.5678")):  # not whole: Babel itself
            assert formatting.number(other) == format_decimal(other, locale=locale)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("fmt", ["short", "medium", "long", "full", "yyyy-MM-dd HH:mm"])
def test_moments_and_days_read_as_babel_writes_them(locale, fmt):
    assert (formatting._glue(locale, fmt) is None) == (fmt not in ("short", "medium"))  # zones: Babel
    with using_locale(locale):
        for instant in INSTANTS:
            want = format_datetime(instant, format=fmt, tzinfo=BUSINESS_TZ, locale=locale)
            assert formatting.moment(instant, fmt) == want, instant
            assert formatting.moment(instant.isoformat(), fmt) == want, instant  # e-mails pass ISO text
            if fmt != "yyyy-MM-dd HH:mm":
                shanghai_day = (instant if instant.tzinfo else instant.replace(tzinfo=UTC)).astimezone(
                    BUSINESS_TZ
                )
                assert formatting.day(instant, fmt) == format_date(shanghai_day.date(), fmt, locale=locale)
        assert formatting.day(date(2026, 12, 20)) == format_date(date(2026, 12, 20), "medium", locale=locale)
        assert formatting.day(None) == formatting.moment(None) == ""
