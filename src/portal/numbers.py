"""Reading the numbers people type: ASCII digits only, bounded, decimals read in the reader's locale.

A number that is not plainly one (``1,5`` in English, ``1e309``, ``Infinity``, ``²``) is refused,
never reinterpreted; callers turn the ValueError into a message beside the field.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import get_decimal_symbol, get_group_symbol
from babel.numbers import parse_decimal as babel_parse_decimal

from portal import i18n

MAX_ID = 2**63 - 1  # BIGINT primary keys
MAX_INT = 1_000_000_000  # PostgreSQL integer columns; no stock or quantity comes near it
MAX_AMOUNT = Decimal("999999999999.99")  # NUMERIC(14, 2)
_DIGITS = re.compile(r"[0-9]{1,19}")


class NotANumber(ValueError):
    """The text is not a number this portal accepts."""


def whole(raw: object, *, maximum: int = MAX_INT) -> int:
    """A whole number 0..maximum written in ASCII digits; NotANumber otherwise."""
    text = raw.strip() if isinstance(raw, str) else str(raw) if type(raw) is int else ""
    if not _DIGITS.fullmatch(text) or int(text) > maximum:
        raise NotANumber(text[:40])
    return int(text)


def ident(raw: object) -> int | None:
    """A positive row id as a database could hold it; None for anything else (nothing has that id)."""
    try:
        value = whole(raw, maximum=MAX_ID)
    except NotANumber:
        return None
    return value or None


def decimal(raw: object, *, maximum: Decimal = MAX_AMOUNT, locale: str | None = None) -> Decimal:
    """A finite decimal typed in ``locale`` (the reader's by default) whose size is at most ``maximum``.

    "1,234.5" reads as 1234.5 in English and Chinese; "1,5" is refused rather than read as 15.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    loc = locale or i18n.get_locale()
    allowed = re.escape(get_group_symbol(loc) + get_decimal_symbol(loc))
    if len(text) > 40 or not re.fullmatch(rf"[+-]?[0-9{allowed}]*[0-9][0-9{allowed}]*", text):
        raise NotANumber(text[:40])
    try:
        value = babel_parse_decimal(text, locale=loc, strict=True)
    except (ValueError, InvalidOperation):
        raise NotANumber(text) from None
    if not value.is_finite() or abs(value) > maximum:
        raise NotANumber(text)
    return value
