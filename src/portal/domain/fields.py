"""Reading an administration form: every field checked, every error collected before refusing it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

from portal import numbers
from portal.domain.errors import ValidationFailed
from portal.i18n import N_

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_INT = numbers.MAX_INT
MAX_MONEY = numbers.MAX_AMOUNT

REQUIRED = N_("This field is required.")
TOO_LONG = N_("This text is too long.")


class FormReader:
    """Typed values from submitted text; ``check()`` raises ValidationFailed with all errors at once."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = values
        self.errors: dict[str, str] = {}

    def raw(self, name: str) -> str:
        return str(self.values.get(name, "") or "").strip()

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def text(self, name: str, *, limit: int, required: bool = False) -> str:
        value = self.raw(name)
        if required and not value:
            self.error(name, REQUIRED)
        elif len(value) > limit:
            self.error(name, TOO_LONG)
        return value

    def integer(self, name: str, *, minimum: int, maximum: int = MAX_INT, message: str) -> int:
        try:
            value = numbers.whole(self.raw(name), maximum=maximum)
        except numbers.NotANumber:
            self.error(name, message)
            return minimum
        if value < minimum:
            self.error(name, message)
        return value

    def money(self, name: str, *, message: str) -> Decimal:
        """A non-negative amount with at most two decimals in the reader's locale; "1,5" is refused."""
        try:
            value = numbers.decimal(self.raw(name), maximum=MAX_MONEY)
        except numbers.NotANumber:
            self.error(name, message)
            return Decimal("0")
        if value < 0 or value != value.quantize(Decimal("0.01")):
            self.error(name, message)
            return Decimal("0")
        return value.quantize(Decimal("0.01"))

    def flag(self, name: str) -> bool:
        return self.raw(name) in ("on", "true", "1", "yes")

    def choice(self, name: str, allowed: Iterable[str], *, message: str) -> str:
        value = self.raw(name)
        if value not in allowed:
            self.error(name, message)
        return value

    def email(self, name: str) -> str:
        value = self.raw(name).lower()
        if not value:
            self.error(name, REQUIRED)
        elif len(value) > 254 or not EMAIL.match(value):
            self.error(name, N_("Enter a valid e-mail address."))
        return value

    def check(self) -> None:
        if self.errors:
            raise ValidationFailed(dict(self.errors))
