"""Reading plain HTML form fields safely."""

from __future__ import annotations

from typing import Any

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
