"""Locale-aware formatting of money, numbers and dates for templates and e-mails.

Babel gives the words; the hot paths do not call it per value. Money and whole numbers are laid
out with Python's own formatting from the locale's pattern (read once per locale and currency);
a day is formatted once per (locale, format, day), a time of day once per (locale, format, second),
and a moment is the locale's date-time glue around the two. Whatever the fast paths do not cover
(a pattern of another shape, a full/long format with a time zone name, a non-finite number) goes
to Babel as before; ``tests/unit/test_formatting_fast.py`` holds the fast paths to Babel's output.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache, reduce

from babel import Locale
from babel.dates import (
    format_date,
    format_datetime,
    format_time,
    get_date_format,
    get_datetime_format,
    get_time_format,
)
from babel.numbers import format_currency, format_decimal, get_currency_precision, get_currency_symbol

from portal.clock import BUSINESS_TZ
from portal.i18n import get_locale


@cache
def _babel(locale: str) -> Locale:
    # babel parses a locale name on every call (lower-casing its whole locale list): do it once
    return Locale.parse(locale)


def _current() -> Locale:
    return _babel(get_locale())


@cache
def _layout(
    locale: str, kind: str, currency: str | None
) -> tuple[tuple[str, str], tuple[str, str], str, str] | None:
    """((positive prefix, suffix), (negative prefix, suffix), group, decimal symbol) of the locale's
    ``kind`` pattern ("currency": standard currency format, "decimal": the default number format),
    currency sign filled in; None when the pattern is not a plain grouped-by-three one."""
    loc = _babel(locale)
    pattern = loc.currency_formats["standard"] if kind == "currency" else loc.decimal_formats[None]
    affixes = "".join(pattern.prefix + pattern.suffix)
    if (
        pattern.scale
        or pattern.exp_prec
        or "@" in pattern.pattern
        or pattern.grouping != (3, 3)
        or pattern.int_prec[0] != 1
        or "'" in affixes
        or "¤¤" in affixes
        or (kind != "currency" and "¤" in affixes)
    ):
        return None
    symbols = loc.number_symbols["latn"]
    sign = get_currency_symbol(currency, loc) if currency else ""
    pos, neg = ((pattern.prefix[i].replace("¤", sign), pattern.suffix[i].replace("¤", sign)) for i in (0, 1))
    return pos, neg, symbols["group"], symbols["decimal"]


def _laid_out(text: str, negative: bool, layout: tuple) -> str:
    """``text`` as Python formats it ("-" never in it, "," groups, "." decimals) in the locale's layout."""
    pos, neg, group, decimal = layout
    if (group, decimal) != (",", "."):
        text = text.replace(",", "\0").replace(".", decimal).replace("\0", group)
    prefix, suffix = neg if negative else pos
    return prefix + text + suffix


@cache
def _quantum(currency: str) -> Decimal:
    """0.01 for a currency of two decimals (Babel's currency digits)."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def money(value: Decimal | int | str | None, currency: str = "CNY") -> str:
    """``value`` in ``currency`` as the reader's locale writes it: "¥12,800.00", "CN¥12,800.00"."""
    if value is None:
        return ""
    value = Decimal(value)
    layout = _layout(get_locale(), "currency", currency)
    if layout is None or not value.is_finite():
        return format_currency(value, currency, locale=_current())
    try:  # rounded half-even to the currency's digits, as Babel does
        rounded = abs(value).quantize(_quantum(currency))
    except InvalidOperation:  # beyond the decimal context's precision: Babel says what it says
        return format_currency(value, currency, locale=_current())
    return _laid_out(f"{rounded:,f}", value.is_signed(), layout)


def number(value: Decimal | int | float | None) -> str:
    """A quantity or amount in the reader's locale: grouped, at most three decimals."""
    if value is None:
        return ""
    if type(value) is int and (layout := _layout(get_locale(), "decimal", None)) is not None:
        return _laid_out(f"{abs(value):,}", value < 0, layout)
    return format_decimal(value, locale=_current())


def _parse(value: date | datetime | str) -> date | datetime:
    """E-mail contexts carry ISO strings (JSON); pages pass real dates."""
    if isinstance(value, str):
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    return value


@lru_cache(maxsize=8192)
def _day(locale: str, fmt: str, value: date) -> str:
    return format_date(value, format=fmt, locale=_babel(locale))


@lru_cache(maxsize=8192)
def _time_of_day(locale: str, fmt: str, value: time) -> str:
    return format_time(value, format=fmt, locale=_babel(locale))


_TIME_FIELDS = frozenset("aBbhHkKmsSAzZvVOxX")
_ZONE_OR_DATE_FIELDS = frozenset("zZvVOxXGyYuUrQqMLlwWdDFgEec")


@cache
def _glue(locale: str, fmt: str) -> str | None:
    """The locale's "{1} {0}" joining a date and a time in ``fmt``; None when ``fmt`` is not a named
    format whose date part reads the day only and whose time part reads the clock only (no zone)."""
    if fmt not in ("full", "long", "medium", "short"):
        return None
    loc = _babel(locale)
    day_fields = set(get_date_format(fmt, loc).pattern.replace("'", ""))
    clock_fields = set(get_time_format(fmt, loc).pattern.replace("'", ""))
    if day_fields & _TIME_FIELDS or clock_fields & _ZONE_OR_DATE_FIELDS or "S" in clock_fields:
        return None
    return get_datetime_format(fmt, loc).replace("'", "")


def day(value: date | datetime | str | None, fmt: str = "medium") -> str:
    """The business day of ``value`` (a date, or an instant read in Shanghai) in the reader's locale."""
    if not value:
        return ""
    value = _parse(value)
    if isinstance(value, datetime):
        value = value.astimezone(BUSINESS_TZ).date()
    return _day(get_locale(), fmt, value)


def moment(value: datetime | str | None, fmt: str = "medium") -> str:
    """An instant as Shanghai's clock reads it, in the reader's locale (a naive one is taken as UTC)."""
    if not value:
        return ""
    value = _parse(value)
    locale = get_locale()
    glue = _glue(locale, fmt) if isinstance(value, datetime) else None
    if glue is None:
        return format_datetime(value, format=fmt, tzinfo=BUSINESS_TZ, locale=_babel(locale))
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(BUSINESS_TZ)
    clock_text = _time_of_day(locale, fmt, local.time().replace(microsecond=0))
    return glue.replace("{0}", clock_text).replace("{1}", _day(locale, fmt, local.date()))


def join_list(items: Iterable[object]) -> str:
    """Items joined as the reader's language enumerates them: "A、B" in Chinese, "A, B" in English.

    A single string is one item (e-mails queued before a list was passed carry the joined text).
    """
    texts = [items] if isinstance(items, str) else [str(item) for item in items]
    if not texts:
        return ""
    middle = _current().list_patterns["standard"]["middle"]  # CLDR: "{0}、{1}" / "{0}, {1}"
    return reduce(middle.format, texts)


def colon(label: object) -> str:
    """A label followed by the reader's colon: "付款条件：" in Chinese, "Payment terms: " in English."""
    return label + ("：" if _current().language == "zh" else ": ")  # type: ignore[operator]  # str or Markup


FILTERS = {
    "colon": colon,
    "money": money,
    "number": number,
    "day": day,
    "moment": moment,
    "join_list": join_list,
}


def iso(value: date | datetime | None) -> str | None:
    """A date or time as ISO text for JSON (events, outbox, snapshots); None stays None."""
    return value.isoformat() if value else None
