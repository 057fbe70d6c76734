"""Typed form readers: a form's fixed fields declared once as a msgspec Struct, read by one function.

``read_form(form, Shape)`` cleans each field by its declared type, with the house rules: text is
trimmed and cut to its ``max_length`` (NUL was refused by ``PortalRequest``); whole numbers, ids and
decimals are read by ``portal.numbers``; dates and times by ``portal.clock``; a checkbox is on or
off. Every field that cannot be read is reported beside its own HTML name (the field's name, or
the ``name=`` of ``msgspec.field``) in one ValidationFailed, so the domain receives typed values.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

import msgspec
from msgspec import Meta
from msgspec import inspect as mi

from portal import clock, numbers
from portal.domain.errors import ValidationFailed
from portal.i18n import N_
from portal.text import clean_text
from portal.web.forms import form_secret

MAX_TEXT = 4000
DATE = N_("Enter a date as YYYY-MM-DD.")
FAR_AHEAD = N_("This date is too far ahead.")
INSTANT = N_("Enter a date and time.")
FIELD = N_("Please correct the highlighted fields.")

S = TypeVar("S", bound=msgspec.Struct)


def whole(message: str, *, maximum: int = numbers.MAX_INT) -> Any:
    """A whole number 0..maximum; ``message`` is shown beside the field otherwise."""
    return Annotated[int, Meta(ge=0, le=maximum, extra={"message": message})]


def amount(message: str, *, maximum: Decimal = numbers.MAX_AMOUNT) -> Any:
    """An amount 0..maximum typed in the reader's locale; ``message`` is shown beside the field otherwise."""
    return Annotated[Decimal, Meta(extra={"message": message, "maximum": maximum, "minimum": 0})]


def day(*, report_as: str) -> Any:
    """A date whose refusal is shown beside the field ``report_as`` (the domain's name for it)."""
    return Annotated[date, Meta(extra={"report_as": report_as})]


def text(limit: int) -> Any:
    """Text trimmed and cut to ``limit`` characters."""
    return Annotated[str, Meta(max_length=limit)]


def secret(limit: int) -> Any:
    """A password as typed (spaces are part of it), cut to ``limit`` characters."""
    return Annotated[str, Meta(max_length=limit, extra={"secret": True})]


def _unwrap(kind: mi.Type) -> tuple[mi.Type, dict[str, Any], bool]:
    """The field's base type, its ``extra`` settings, and whether blank reads as None."""
    optional = False
    if isinstance(kind, mi.UnionType):
        optional = any(isinstance(t, mi.NoneType) for t in kind.types)
        kind = next(t for t in kind.types if not isinstance(t, mi.NoneType))
    extra: dict[str, Any] = {}
    if isinstance(kind, mi.Metadata):
        extra, kind = kind.extra or {}, kind.type
    return kind, extra, optional


def _date(raw: str) -> date:
    try:
        return clock.parse_planning_date(raw)
    except clock.BeyondHorizon:
        raise ValueError(FAR_AHEAD) from None
    except ValueError:
        raise ValueError(DATE) from None


def _instant(raw: str) -> datetime:
    try:
        return clock.parse_instant(raw)  # without an offset it is Shanghai time, as the form shows
    except ValueError:
        raise ValueError(INSTANT) from None


def _value(form: Any, name: str, kind: mi.Type, extra: dict[str, Any]) -> Any:
    """One field read by its type; ValueError carries the message to show beside it."""
    if isinstance(kind, mi.BoolType):
        return form.get(name) == "on"
    if isinstance(kind, mi.StrType) and extra.get("secret"):
        return form_secret(form, name, limit=kind.max_length or MAX_TEXT)
    if isinstance(kind, mi.StrType):
        return clean_text(form.get(name, ""), kind.max_length or MAX_TEXT)
    raw = clean_text(form.get(name, ""), 40)
    message = extra.get("message", FIELD)
    if isinstance(kind, mi.IntType):
        try:
            value = numbers.whole(raw, maximum=kind.le if kind.le is not None else numbers.MAX_INT)
        except numbers.NotANumber:
            raise ValueError(message) from None
        if kind.ge is not None and value < kind.ge:
            raise ValueError(message)
        return value
    if isinstance(kind, mi.DecimalType):
        try:
            value = numbers.decimal(raw, maximum=extra.get("maximum", numbers.MAX_AMOUNT))
        except numbers.NotANumber:
            raise ValueError(message) from None
        if "minimum" in extra and value < extra["minimum"]:
            raise ValueError(message)
        return value
    if isinstance(kind, mi.DateType):
        return _date(raw)
    if isinstance(kind, mi.DateTimeType):
        return _instant(raw)
    raise TypeError(f"read_form cannot read a {kind!r}")  # a programming error, found by the tests


def read_fields(form: Any, shape: type[S]) -> tuple[S, dict[str, str]]:
    """``form`` as a ``shape`` and the message for each field that could not be read (that field is None).

    For forms whose domain reports these messages together with its own refusals.
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in mi.type_info(shape).fields:
        kind, extra, optional = _unwrap(field.type)
        raw = form.get(field.encode_name, "")
        values[field.name] = None
        if optional and not (isinstance(raw, str) and raw.strip()):
            continue
        try:
            values[field.name] = _value(form, field.encode_name, kind, extra)
        except ValueError as exc:
            errors[extra.get("report_as", field.encode_name)] = str(exc.args[0])
    return shape(**values), errors


def read_form(form: Any, shape: type[S]) -> S:
    """``form`` as a ``shape``: every field cleaned by its type; blank optional fields are None.

    Raises ValidationFailed with a message beside each field that could not be read.
    """
    read, errors = read_fields(form, shape)
    if errors:
        raise ValidationFailed(errors)
    return read
