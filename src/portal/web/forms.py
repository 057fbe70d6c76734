"""Reading plain HTML form fields safely."""

from __future__ import annotations

from typing import Any

from portal.domain.errors import OrderChanged

MAX_TEXT = 4000
MAX_VERSION_DIGITS = 9  # an order's version is a PostgreSQL integer


def form_text(form: Any, name: str, *, limit: int = MAX_TEXT) -> str:
    value = form.get(name, "")
    # PostgreSQL text cannot hold NUL characters
    return str(value).replace("\x00", "").strip()[:limit] if isinstance(value, str) else ""


def form_version(form: Any) -> int:
    """The order version the page was showing; a form without a valid one is refused like a stale one."""
    raw = form.get("version", "")
    value = raw.strip() if isinstance(raw, str) else ""
    if not (value.isascii() and value.isdigit()) or len(value) > MAX_VERSION_DIGITS:
        raise OrderChanged()
    return int(value)
