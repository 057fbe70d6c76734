"""Tax IDs (税号) as fapiao carry them: a PRC unified social credit code (统一社会信用代码), checked by python-stdnum.

Every form where a tax ID is typed (checkout, edit-and-resubmit, staff order entry, the review's
revise form, the customer account) reads it through ``check_tax_id``: spaces and hyphens are
dropped and letters upper-cased (``9131 0000 ma1fl8xq37`` → ``91310000MA1FL8XQ37``); a value that
is not a valid code (18 characters, the GB 32100 alphabet, the check digit) is refused beside the
field. An empty tax ID stays allowed wherever it was allowed before.
"""

from __future__ import annotations

from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from portal.i18n import N_

FIELD = "tax_id"
INVALID = N_(
    "Enter the unified social credit code of 18 characters as printed on the business licence "
    "(the last character is a check digit)."
)


class InvalidTaxId(ValueError):
    """The text is not a valid unified social credit code; ``args[0]`` is the message to show."""


def normalized(raw: str) -> str:
    """The tax ID in its stored form: no separators, upper case; "" for an empty one.

    Raises InvalidTaxId (message ``INVALID``) when a non-empty value is not a valid code.
    """
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        return uscc.validate(text[:100])
    except ValidationError:
        raise InvalidTaxId(INVALID) from None


def check_tax_id(raw: str, errors: dict[str, str], *, field: str = FIELD) -> str:
    """The normalized tax ID; a refusal goes to ``errors[field]`` (and the raw text comes back)."""
    try:
        return normalized(raw)
    except InvalidTaxId as exc:
        errors.setdefault(field, exc.args[0])
        return (raw or "").strip()[:40]


def is_valid(raw: str) -> bool:
    """Whether ``raw`` is empty or a valid unified social credit code."""
    try:
        normalized(raw)
    except InvalidTaxId:
        return False
    return True
