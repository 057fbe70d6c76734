"""Decoding the JSON columns of the hand-written hot reads (``json_agg(json_build_array(...))``).

PostgreSQL nests a collection as a JSON array of positional values, so a page costs one statement
whatever it holds. JSON has no dates, instants or exact decimals: instants and days travel as ISO
text and come back here (instants in UTC), money travels as text (``::text``) and becomes ``Decimal``.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, String, cast, func
from sqlalchemy.dialects.postgresql import aggregate_order_by


def instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value).astimezone(UTC) if value else None


def day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def json_list(value: Any) -> list:
    """A JSON column: asyncpg hands json over decoded, or as text when it is not told how."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value


def money_text(column: ColumnElement) -> ColumnElement:
    """A numeric column as text inside JSON: exact, where a JSON number would be a float."""
    return cast(column, String)


def json_rows(columns: list[ColumnElement], *order_by: ColumnElement) -> ColumnElement:
    """``json_agg(json_build_array(columns) ORDER BY order_by)``: the rows of a Core ``select`` as one value."""
    row = func.json_build_array(*columns)
    return func.json_agg(aggregate_order_by(row, *order_by) if order_by else row)
