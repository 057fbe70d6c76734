"""Reading plain HTML form fields safely."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal import clock

MAX_TEXT = 4000


def form_text(form: Any, name: str, *, limit: int = MAX_TEXT) -> str:
    value = form.get(name, "")
    # PostgreSQL text cannot hold NUL characters
    return str(value).replace("\x00", "").strip()[:limit] if isinstance(value, str) else ""


def form_version(form: Any) -> int | None:
    """The order version the page was showing; None when the form did not carry one."""
    try:
        return int(form.get("version", ""))
    except (TypeError, ValueError):
        return None


def query_text(value: str | None, *, limit: int = 100) -> str:
    """A search term from the URL, without NUL characters (PostgreSQL text cannot hold them)."""
    return (value or "").replace("\x00", "").strip()[:limit]


def query_day(value: str | None) -> date | None:
    """A YYYY-MM-DD filter date from the URL; anything else filters nothing."""
    try:
        return clock.parse_date(value) if value and len(value) == 10 else None
    except ValueError:
        return None
