"""Locale-aware formatting of money, numbers and dates for templates and e-mails.

Babel formats a value in tens of microseconds; a page formats dozens, and the same amounts and
days recur from request to request. Each formatter therefore remembers its last few thousand
answers per (locale, value): the key is the value's exact text (``Decimal("-0")`` is not
``Decimal("0")``), so a remembered answer is the one babel would give.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache, reduce

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal

from portal.clock import BUSINESS_TZ
from portal.i18n import get_locale


@cache
def _babel(locale: str) -> Locale:
    # babel parses a locale name on every call (lower-casing its whole locale list): do it once
    return Locale.parse(locale)


def _current() -> Locale:
    return _babel(get_locale())


REMEMBERED = 4096  # answers kept per formatter (a few hundred kB at most)


@lru_cache(maxsize=REMEMBERED)
def _money(locale: str, amount: str, currency: str) -> str:
    return format_currency(Decimal(amount), currency, locale=_babel(locale))


@lru_cache(maxsize=REMEMBERED)
def _number(locale: str, kind: type, text: str) -> str:
    return format_decimal(kind(text), locale=_babel(locale))


@lru_cache(maxsize=REMEMBERED)
def _day(locale: str, value: date, fmt: str) -> str:
    return format_date(value, format=fmt, locale=_babel(locale))


@lru_cache(maxsize=REMEMBERED)
def _moment(locale: str, value: datetime, fmt: str) -> str:
    return format_datetime(value, format=fmt, tzinfo=BUSINESS_TZ, locale=_babel(locale))


def money(value: Decimal | int | str | None, currency: str = "CNY") -> str:
    if value is None:
        return ""
    return _money(get_locale(), str(Decimal(value)), currency)


def number(value: Decimal | int | float | None) -> str:
    if value is None:
        return ""
    kind = type(value)
    if kind not in (Decimal, int, float):  # bool, numpy, ...: not worth remembering
        return format_decimal(value, locale=_current())
    return _number(get_locale(), kind, repr(value) if kind is float else str(value))


def _parse(value: date | datetime | str) -> date | datetime:
    """E-mail contexts carry ISO strings (JSON); pages pass real dates."""
    if isinstance(value, str):
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return value


def day(value: date | datetime | str | None, fmt: str = "medium") -> str:
    if not value:
        return ""
    value = _parse(value)
    if isinstance(value, datetime):
        value = value.astimezone(BUSINESS_TZ).date()
    return _day(get_locale(), value, fmt)


def moment(value: datetime | str | None, fmt: str = "medium") -> str:
    if not value:
        return ""
    value = _parse(value)
    if type(value) is not datetime:  # a date (or a subclass) formats as babel sees fit: not remembered
        return format_datetime(value, format=fmt, tzinfo=BUSINESS_TZ, locale=_current())
    return _moment(get_locale(), value, fmt)


def join_list(items: Iterable[object]) -> str:
    """Items joined as the reader's language enumerates them: "A、B" in Chinese, "A, B" in English.

    A single string is one item (e-mails queued before a list was passed carry the joined text).
    """
    texts = [items] if isinstance(items, str) else [str(item) for item in items]
    if not texts:
        return ""
    middle = _current().list_patterns["standard"]["middle"]  # CLDR: "{0}、{1}" / "{0}, {1}"
    return reduce(middle.format, texts)


FILTERS = {"money": money, "number": number, "day": day, "moment": moment, "join_list": join_list}


def iso(value: date | datetime | None) -> str | None:
    """A date or time as ISO text for JSON (events, outbox, snapshots); None stays None."""
    return value.isoformat() if value else None
