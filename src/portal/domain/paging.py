"""Keyset pages for the administration lists: a cursor names the last row shown."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, tuple_

from portal import numbers
from portal.domain.catalog.search import contains_pattern

PAGE_SIZE = 25
MAX_QUERY_LENGTH = 100
LIKE_ESCAPE = "\\"

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    next_after: str | None  # cursor of the next page; None on the last one


def encode_cursor(key: str, ident: int) -> str:
    return base64.urlsafe_b64encode(f"{ident}|{key}".encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[str, int] | None:
    """The (sort key, id) a cursor names; None for no cursor or a mangled one."""
    if not cursor or len(cursor) > 400:
        return None
    try:
        ident, sep, key = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        number = numbers.ident(ident)
        return (key, number) if sep and number is not None else None
    except (ValueError, UnicodeDecodeError):
        return None


def instant_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The (aware instant, id) a newest-first cursor names; None for none or a mangled one."""
    found = decode_cursor(cursor)
    if found is None:
        return None
    try:
        at = datetime.fromisoformat(found[0])
    except ValueError:
        return None
    return (at, found[1]) if at.tzinfo is not None else None


def newest_first(
    stmt: Select, at: ColumnElement, ident: ColumnElement, *, after: str | None, limit: int
) -> Select:
    """``stmt`` newest first by ``at`` then ``ident``, after the cursor ``after``, ``limit + 1`` rows
    (for ``newest_page``)."""
    if (cursor := instant_cursor(after)) is not None:
        stmt = stmt.where(tuple_(at, ident) < tuple_(*cursor))
    return stmt.order_by(at.desc(), ident.desc()).limit(limit + 1)


def newest_page(rows: list, limit: int) -> Page:
    """The page of ``newest_first`` rows whose last two columns are the instant and the id."""
    paged = page_of(rows, limit, lambda r: encode_cursor(r[-2].isoformat(), r[-1]))
    return Page([tuple(r[:-2]) for r in paged.rows], paged.next_after)


def like(q: str) -> str:
    """A case-insensitive contains pattern for ``q`` (the user's % and _ taken literally)."""
    return contains_pattern(q.strip()[:MAX_QUERY_LENGTH].lower())


def page_of(rows: list[T], limit: int, cursor_of) -> Page[T]:  # noqa: ANN001 - row -> cursor
    """Rows fetched with ``limit + 1``: the extra one only tells that a next page exists."""
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows=rows, next_after=cursor_of(rows[-1]) if more and rows else None)


def by_name(stmt: Select, model: Any, *, also: ColumnElement, q: str, after: str, limit: int) -> Select:
    """A keyset-paged list of ``model`` (a table with ``name`` and ``id``) by name, then id.

    ``q`` matches the name or ``also`` (tax ID, e-mail); ``after`` is a ``name_cursor``.
    """
    sort_key = func.lower(model.name)
    if q.strip():
        pattern = like(q)
        stmt = stmt.where(
            or_(
                sort_key.like(pattern, escape=LIKE_ESCAPE), func.lower(also).like(pattern, escape=LIKE_ESCAPE)
            )
        )
    if cursor := decode_cursor(after):
        stmt = stmt.where(tuple_(sort_key, model.id) > tuple_(*cursor))
    return stmt.order_by(sort_key, model.id).limit(limit + 1)


def name_cursor(row: Any) -> str:
    """The cursor that follows ``row`` (with ``name`` and ``id``) in a ``by_name`` list."""
    return encode_cursor(row.name.lower(), row.id)
