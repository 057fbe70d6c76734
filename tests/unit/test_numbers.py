"""Numbers people type are read one way everywhere: per the reader's locale, or refused — never reinterpreted."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal import i18n, numbers
from portal.domain.errors import ValidationFailed
from portal.domain.fields import FormReader
from portal.domain.fulfilment.packing import _weight
from portal.domain.settings import config
from portal.web.inputs import PackForm
from portal.web.readers import read_form

LOCALES = ["en", "zh_CN"]
NOT_NUMBERS = [
    "1,5",
    "12,5",
    "1e3",
    "1e309",
    "Infinity",
    "-Infinity",
    "NaN",
    "²",
    "１２",
    "٣",
    "1_000",
    "",
    "x" * 10_000,
]


@pytest.mark.parametrize("locale", LOCALES)
def test_decimals_read_in_the_readers_locale(locale):
    with i18n.using_locale(locale):
        assert numbers.decimal("1.5") == Decimal("1.5")
        assert numbers.decimal("1,234.50") == Decimal("1234.50")
        assert numbers.decimal(" 90 ") == Decimal("90")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("raw", NOT_NUMBERS)
def test_what_is_not_plainly_a_decimal_is_refused(locale, raw):
    with i18n.using_locale(locale), pytest.raises(numbers.NotANumber):
        numbers.decimal(raw)


def test_decimals_beyond_the_column_are_refused():
    with pytest.raises(numbers.NotANumber):
        numbers.decimal(str(10**30))
    with pytest.raises(numbers.NotANumber):
        numbers.decimal("100001", maximum=Decimal(100000))


@pytest.mark.parametrize("raw", ["²", "١٢", "１２", "-1", "1.0", str(10**30), "1e3", None, 3.0])
def test_whole_numbers_are_ascii_digits_within_bounds(raw):
    with pytest.raises(numbers.NotANumber):
        numbers.whole(raw)


def test_ids_that_no_row_can_have_are_none():
    assert numbers.ident("42") == 42
    assert numbers.ident(str(10**30)) is None
    assert numbers.ident("²") is None
    assert numbers.ident("0") is None


@pytest.mark.parametrize("locale", LOCALES)
def test_every_decimal_form_refuses_1_comma_5(locale):
    """The admin money fields, the approval thresholds and the package weight read like the revise form."""
    with i18n.using_locale(locale):
        form = FormReader({"list_price": "1,5"})
        form.money("list_price", message="bad")
        assert form.errors == {"list_price": "bad"}
        assert FormReader({"p": "1,234.5"}).money("p", message="bad") == Decimal("1234.50")
        with pytest.raises(ValidationFailed):
            config.parse_thresholds("1,5")
        assert config.parse_thresholds("100,000; 1,000,000") == [Decimal(100000), Decimal(1000000)]
        with pytest.raises(ValidationFailed):
            read_form({"weight_kg": "12,5"}, PackForm)
        assert _weight(read_form({"weight_kg": "12.5"}, PackForm).weight_kg) == "12.5"
