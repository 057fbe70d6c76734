"""Locale-aware formatting of money, numbers and dates for templates and e-mails."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

from portal.i18n import get_locale

DEFAULT_TZ = ZoneInfo("Asia/Shanghai")


def money(value: Decimal | int | str | None, currency: str = "CNY") -> str:
    if value is None:
        return ""
    return format_currency(Decimal(value), currency, locale=get_locale())


def number(value: Decimal | int | float | None) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=get_locale())


def day(value: date | datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(DEFAULT_TZ).date()
    return format_date(value, format=fmt, locale=get_locale())


def moment(value: datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, format=fmt, tzinfo=DEFAULT_TZ, locale=get_locale())


FILTERS = {"money": money, "number": number, "day": day, "moment": moment}
