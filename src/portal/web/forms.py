"""Reading what browsers send, safely: one request class for every form, and typed field readers.

Every form the app reads (the CSRF check included) goes through ``PortalRequest.form``, so a NUL
byte, which PostgreSQL text cannot hold, is refused once, here, with a 400.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.exceptions import ClientException
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock, numbers
from portal.domain.errors import OrderChanged, ValidationFailed
from portal.domain.orders import line_rule
from portal.i18n import gettext
from portal.text import clean_text

MAX_TEXT = 4000
T = TypeVar("T")


class PortalRequest(Request):
    """The app's request class: its form refuses NUL in any field name or text value."""

    async def form(self) -> FormMultiDict:
        form = await super().form()
        if any("\x00" in key or (isinstance(v, str) and "\x00" in v) for key, v in form.multi_items()):
            raise ClientException(detail="NUL in form")
        return form


def form_text(form: Any, name: str, *, limit: int = MAX_TEXT) -> str:
    """A text field, trimmed and cut to ``limit``; a file part where text belongs reads as empty."""
    return clean_text(form.get(name, ""), limit)


def form_secret(form: Any, name: str, *, limit: int) -> str:
    """A password as typed (spaces are part of it), cut to ``limit``; a file part reads as empty."""
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


def form_version(form: Any) -> int:
    """The order version the page was showing; a form without a valid one is refused like a stale one."""
    version = numbers.ident(form.get("version", ""))
    if version is None:
        raise OrderChanged()
    return version


def form_ids(form: Any, prefix: str) -> dict[int, Any]:
    """``<prefix><id>`` fields (``qty_17``) by id; names whose id is not a plain number are ignored."""
    out: dict[int, Any] = {}
    for key, value in form.items():
        if key.startswith(prefix) and (ident := numbers.ident(key[len(prefix) :])) is not None:
            out[ident] = value if isinstance(value, str) else ""
    return out


def form_id_options(form: Any, prefix: str, *, limit: int = 200) -> dict[int, dict[str, str]]:
    """``<prefix><id>_<option>`` fields (``spec_17_voltage``) by id, then option, as cleaned text."""
    out: dict[int, dict[str, str]] = {}
    for key in form:
        line, _sep, option = key[len(prefix) :].partition("_")
        if key.startswith(prefix) and option and (ident := numbers.ident(line)) is not None:
            out.setdefault(ident, {})[option] = form_text(form, key, limit=limit)
    return out


def read_ids(form: Any, prefix: str, read: Callable[[str, str], T]) -> tuple[dict[int, T], dict[str, str]]:
    """``<prefix><id>`` fields each read by ``read(raw, field_name)``, and the refusals beside their names."""
    out: dict[int, T] = {}
    errors: dict[str, str] = {}
    for line_id, raw in form_ids(form, prefix).items():
        try:
            out[line_id] = read(raw, f"{prefix}{line_id}")
        except ValidationFailed as exc:
            errors.update(exc.errors)
    return out, errors


def read_quantities(
    form: Any, prefix: str, *, message: str = line_rule.WHOLE, blank_is_zero: bool = True
) -> tuple[dict[int, int], dict[str, str]]:
    """``<prefix><line>`` quantities (``qty_17``) by the one quantity rule (0 allowed), and the refusals."""

    def read(raw: str, name: str) -> int:
        raw = raw.strip() or ("0" if blank_is_zero else "")
        return line_rule.quantity(raw, allow_zero=True, name=name, message=message)

    return read_ids(form, prefix, read)


def read_amounts(
    form: Any, prefix: str, *, message: str, maximum: Decimal = numbers.MAX_AMOUNT, skip_blank: bool = False
) -> tuple[dict[int, Decimal], dict[str, str]]:
    """``<prefix><line>`` amounts (``price_17``) of at least 0, typed in the reader's locale, and the refusals.

    ``skip_blank``: a blank field is left out (a form where only some rows get an amount).
    """

    def read(raw: str, name: str) -> Decimal | None:
        if skip_blank and not raw.strip():
            return None
        try:
            value = numbers.decimal(raw, maximum=maximum)
        except numbers.NotANumber:
            raise ValidationFailed({name: message}) from None
        if value < 0:
            raise ValidationFailed({name: message})
        return value

    found, errors = read_ids(form, prefix, read)
    return {k: v for k, v in found.items() if v is not None}, errors


def form_quantities(form: Any, prefix: str, *, message: str = line_rule.WHOLE) -> dict[int, int]:
    """``<prefix><line>`` quantities (``qty_17``) by line id, by the one quantity rule; blank reads as 0.

    Every refused field is reported at once, beside its own name, with ``message``.
    """
    out, errors = read_quantities(form, prefix, message=message)
    if errors:
        raise ValidationFailed(errors)
    return out


def typed_values(form: Any) -> dict[str, str]:
    """What the buyer or clerk typed, to fill a re-rendered form in again (file parts left out)."""
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def refused_form(
    db: AsyncSession, exc: ValidationFailed, render: Callable[..., Any], **context: Any
) -> Any:
    """A refused form: nothing of it is kept (rollback), and its page is shown again with the messages (422).

    ``render`` takes ``status_code`` and ``errors`` (translated, per field) and ``context``; it may be async.
    """
    await db.rollback()
    shown = render(status_code=422, errors=exc.translated(gettext), **context)
    return await shown if inspect.isawaitable(shown) else shown


def query_text(value: str | None, *, limit: int = 100) -> str:
    """A search term from the URL, without NUL characters (PostgreSQL text cannot hold them)."""
    return (value or "").replace("\x00", "").strip()[:limit]


def query_day(value: str | None) -> date | None:
    """A YYYY-MM-DD filter date from the URL; anything else filters nothing."""
    try:
        return clock.parse_date(value) if value and len(value) == 10 else None
    except ValueError:
        return None
