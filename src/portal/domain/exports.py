"""Files people open in a spreadsheet: CSV as Excel reads Chinese correctly (UTF-8 with a BOM)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from portal.clock import BUSINESS_TZ

BOM = "\ufeff"
# text a spreadsheet would run as a formula (a payer's reference "=HYPERLINK(...)"): kept as text
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
SPREADSHEET_TIME = "%Y-%m-%d %H:%M:%S"


def cell(value: object) -> str:
    """A value as a spreadsheet reads it: amounts as plain decimals (1234.50), dates ISO, times as
    ``2026-12-01 10:00:00`` in business time (Beijing; a spreadsheet reads no offset), None empty,
    and text that would start a formula behind a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        local = value.astimezone(BUSINESS_TZ) if value.tzinfo else value
        return local.strftime(SPREADSHEET_TIME)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def excel_csv(rows: Iterable[Iterable[object]]) -> bytes:
    """``rows`` as CSV bytes: UTF-8 with a byte-order mark, comma-separated, CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return (BOM + out.getvalue()).encode("utf-8")
