"""Reading what browsers send, safely: one request class for every form, and typed field readers.

Every form the app reads (the CSRF check included) goes through ``PortalRequest.form``, so a NUL
byte, which PostgreSQL text cannot hold, is refused once, here, with a 400.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from litestar import Request
from litestar.datastructures import FormMultiDict
from litestar.exceptions import ClientException
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock, numbers
from portal.domain.errors import Field, OrderChanged, ValidationFailed
from portal.domain.orders import line_rule
from portal.domain.orders.cart import LineInput
from portal.i18n import N_, gettext
from portal.text import clean_text

MAX_TEXT = 4000
T = TypeVar("T")
SPEC_TEXT = N_("Write options as name=value; name=value.")
_SPEC_PARTS = re.compile(r"[;；\n]")

FieldNames = Mapping[str, str]
"""How a form names the places of its families (``domain.errors.Place``): ``"<group>.<kind>"``, or
``"<group>"`` for every kind of that group, to a name template filled in with ``n``, ``kind`` and
``option``; e.g. ``{"row.quantity": "qty_{n}", "line": "line_{n}"}``."""
SHARED_NAMES: FieldNames = {"address": "address_{kind}"}  # the new address of every order form (NewAddress)


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


def form_options(form: Any, prefix: str, *, limit: int = 200) -> dict[str, str]:
    """``<prefix><option>`` fields (``spec_voltage``) by option, as cleaned text."""
    return {
        k[len(prefix) :]: form_text(form, k, limit=limit)
        for k in form
        if k.startswith(prefix) and k != prefix
    }


def spec_text(text: str) -> dict[str, str]:
    """``voltage=380V; seal=mechanical`` as a dict (``name: value`` reads the same; ``;``, ``；`` or a new
    line between options). ValueError when a part is not ``name=value`` with both sides filled in."""
    specs: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in _SPEC_PARTS.split(text))):
        name, sep, value = part.partition("=") if "=" in part else part.partition(":")
        if not sep or not name.strip() or not value.strip():
            raise ValueError(part)
        specs[name.strip()] = value.strip()
    return specs


def line_input(n: int, sku: str, quantity: str, specs: str | dict[str, str]) -> LineInput:
    """One typed-in line as the domain takes it: ``quantity`` by the one quantity rule (1 or more),
    ``specs`` from ``name=value`` text or already by option. A field that cannot be read is None, with
    its message in ``unreadable`` under the line rule's kind (``quantity``, ``spec``)."""
    unreadable: dict[str, str] = {}
    try:
        whole: int | None = line_rule.quantity(quantity)
    except ValidationFailed as exc:
        whole, unreadable["quantity"] = None, exc.errors["quantity"]
    try:
        options: dict[str, str] | None = spec_text(specs) if isinstance(specs, str) else specs
    except ValueError:
        options, unreadable["spec"] = None, SPEC_TEXT
    return LineInput(n, sku, whole, options, unreadable)


def read_rows(form: Any, rows: Iterable[int], *, prefix: str = "") -> list[LineInput]:
    """The numbered rows ``<prefix>sku_<n>``, ``<prefix>qty_<n>`` and ``<prefix>specs_<n>`` (``name=value``
    text) with anything typed in, as the domain's lines; empty rows are left out. Their refusals come back
    at ``Place("row", kind, n)``: name them with ``row_names(prefix)``."""
    read = []
    for n in rows:
        sku = form_text(form, f"{prefix}sku_{n}", limit=40)
        quantity, specs = form_text(form, f"{prefix}qty_{n}"), form_text(form, f"{prefix}specs_{n}")
        if sku or quantity or specs:
            read.append(line_input(n, sku, quantity, specs))
    return read


def row_names(prefix: str = "") -> dict[str, str]:
    """The HTML names of the rows ``read_rows`` reads, by the line rule's kinds."""
    return {
        "row.product": f"{prefix}sku_{{n}}",
        "row.quantity": f"{prefix}qty_{{n}}",
        "row.spec": f"{prefix}specs_{{n}}",
    }


def field_name(field: Field, names: FieldNames) -> str:
    """The HTML name of a refused field: a name stays itself; a place is named by ``names``."""
    if isinstance(field, str):
        return field
    template = names.get(f"{field.group}.{field.kind}") or names.get(field.group) or "{group}_{n}_{kind}"
    return template.format(group=field.group, kind=field.kind, n=field.n, option=field.option)


def named(exc: ValidationFailed, names: FieldNames | None = None) -> ValidationFailed:
    """``exc`` with every place as the form's HTML name (``names``, then ``SHARED_NAMES``).

    Two refusals named alike keep the later one (what the form could not read comes after the rule).
    """
    table = {**SHARED_NAMES, **(names or {})}
    errors: dict[Field, str] = {}
    per_field: dict[Field, dict[str, object]] = {}
    for key, message in exc.errors.items():
        name = field_name(key, table)
        errors[name] = message
        per_field.pop(name, None)
        if key in exc.per_field:
            per_field[name] = exc.per_field[key]
    return ValidationFailed(errors, exc.message, params=exc.field_params, per_field=per_field)


def typed_values(form: Any) -> dict[str, str]:
    """What the buyer or clerk typed, to fill a re-rendered form in again (file parts left out)."""
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def refused_form(
    db: AsyncSession,
    exc: ValidationFailed,
    render: Callable[..., Any],
    *,
    field_names: FieldNames | None = None,
    **context: Any,
) -> Any:
    """A refused form: nothing of it is kept (rollback), and its page is shown again with the messages (422).

    ``render`` takes ``status_code`` and ``errors`` (translated, by HTML name: the places of the form's
    families named by ``field_names``, see :func:`named`) and ``context``; it may be async.
    """
    await db.rollback()
    shown = render(status_code=422, errors=named(exc, field_names).translated(gettext), **context)
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
