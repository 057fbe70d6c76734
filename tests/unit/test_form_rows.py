"""Rows typed into an order form are read at the door: the domain receives SKUs, whole quantities and
options, names its refusals by row (or line) and kind, and the door maps them back to the HTML names."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from litestar.datastructures import FormMultiDict

from portal.domain.errors import Place, ValidationFailed
from portal.domain.orders import cart, line_rule
from portal.domain.orders.cart import LineInput, checked_row
from portal.web.forms import SPEC_TEXT, form_options, line_input, named, read_rows, row_names
from tests.helpers import an_offer

SRC = Path(__file__).resolve().parents[2] / "src" / "portal"


def _form(**fields: str) -> FormMultiDict:
    return FormMultiDict(list(fields.items()))


def test_rows_with_anything_typed_are_read_as_typed_lines_and_empty_rows_are_left_out() -> None:
    form = _form(
        sku_1=" P-1 ",
        qty_1=" 12 ",
        specs_1="voltage=380V； seal: mechanical\ncolour = red;",
        sku_2="",
        qty_2="  ",
        specs_2=" ",
        qty_3="4",
        sku_11="beyond the rows",
    )
    assert read_rows(form, range(1, 11)) == [
        LineInput(1, "P-1", 12, {"voltage": "380V", "seal": "mechanical", "colour": "red"}),
        LineInput(3, "", 4, {}),
    ]
    assert read_rows(_form(), range(1, 11)) == []


@pytest.mark.parametrize(
    "raw", ["", "x", "²", "٣", "１２", "1.5", "-1", "0", "+3", "1e3", "1000001", str(10**30), "9" * 10_000]
)
def test_a_row_quantity_that_is_not_a_plain_whole_number_is_refused_by_the_one_rule(raw: str) -> None:
    [row] = read_rows(_form(sku_1="P-1", qty_1=raw, specs_1="voltage=380V"), [1])
    assert (row.sku, row.quantity, row.specs) == ("P-1", None, {"voltage": "380V"})
    assert row.unreadable == {"quantity": line_rule.WHOLE}


def test_the_largest_quantity_the_rule_allows_is_read_as_an_int() -> None:
    [row] = read_rows(_form(qty_1=str(line_rule.MAX_QUANTITY)), [1])
    assert row.quantity == line_rule.MAX_QUANTITY and isinstance(row.quantity, int) and row.unreadable == {}


@pytest.mark.parametrize("text", ["just some words", "=380V", "voltage=", "voltage=380V; seal"])
def test_options_that_are_not_name_value_are_refused_and_the_quantity_is_still_read(text: str) -> None:
    [row] = read_rows(_form(sku_2="P-1", qty_2="3", specs_2=text), [2])
    assert (row.quantity, row.specs, row.unreadable) == (3, None, {"spec": SPEC_TEXT})
    [both] = read_rows(_form(qty_1="x", specs_1=text), [1])
    assert list(both.unreadable) == ["quantity", "spec"]  # the order the domain reports them in


def test_the_edit_forms_added_products_are_the_same_rows_under_their_prefix() -> None:
    form = _form(add_sku_1="P-1", add_qty_1="2", sku_1="other", qty_2="9", add_specs_3="²")
    assert read_rows(form, [1, 2, 3], prefix="add_") == [
        LineInput(1, "P-1", 2, {}),
        LineInput(3, "", None, None, {"quantity": line_rule.WHOLE, "spec": SPEC_TEXT}),
    ]


def test_the_cart_add_form_is_one_row_whose_options_are_a_family() -> None:
    form = _form(sku="P-1", quantity="2", spec_voltage=" 380V ", spec_="nameless", specx="no", other="y")
    assert form_options(form, "spec_") == {"voltage": "380V"}
    assert line_input(0, "P-1", "2", form_options(form, "spec_")) == LineInput(
        0, "P-1", 2, {"voltage": "380V"}
    )


def test_the_domain_refuses_a_row_at_its_place_product_first_then_what_was_unreadable_then_the_rule() -> None:
    unreadable = {"quantity": line_rule.WHOLE, "spec": SPEC_TEXT}
    refusals = [
        (LineInput(4, "NOPE", None, None, unreadable), None, Place("row", "product", 4), cart.NO_PRODUCT),
        (
            LineInput(4, "P-1", None, None, unreadable),
            an_offer(),
            Place("row", "quantity", 4),
            line_rule.WHOLE,
        ),
        (LineInput(4, "P-1", 2, None, {"spec": SPEC_TEXT}), an_offer(), Place("row", "spec", 4), SPEC_TEXT),
        (
            LineInput(4, "P-1", 3, {}),
            an_offer(min_order_qty=5),
            Place("row", "quantity", 4),
            line_rule.BELOW_MIN,
        ),
        (
            LineInput(4, "P-1", 3, {"voltage": "9V"}),
            an_offer(),
            Place("row", "spec", 4, "voltage"),
            line_rule.SPEC,
        ),
        (LineInput(4, "P-1", 3, {}), an_offer(is_active=False), Place("row", "product", 4), line_rule.GONE),
    ]
    for row, offer, place, message in refusals:
        with pytest.raises(ValidationFailed) as refused:
            checked_row(row, offer)
        assert refused.value.errors == {place: message}, row
    assert checked_row(LineInput(4, "p-1", 3, {"voltage": "380V"}), an_offer()) == (
        an_offer(),
        3,
        {"voltage": "380V"},
    )


def test_a_merged_quantity_over_the_maximum_is_refused_at_the_rows_quantity() -> None:
    order = cart.Order(lines=[])
    row = LineInput(2, "P-1", 60, {"voltage": "380V"})
    cart.put_row(order, row, checked_row(row, an_offer()))
    with pytest.raises(ValidationFailed) as refused:
        cart.put_row(order, row, checked_row(row, an_offer()))
    assert refused.value.errors == {Place("row", "quantity", 2): line_rule.ABOVE_MAX}
    assert refused.value.params_of(Place("row", "quantity", 2)) == {"sku": "P-1", "n": 100}
    assert [line.quantity for line in order.lines] == [60]


def test_refusals_at_places_are_named_as_the_form_names_its_fields() -> None:
    refused = ValidationFailed(
        {
            Place("row", "product", 1): line_rule.GONE,
            Place("row", "quantity", 2): line_rule.WHOLE,
            Place("row", "spec", 3, "voltage"): line_rule.SPEC,
            Place("address", "city"): "Recipient, phone, city and street are needed for a new address.",
            "invoice_title": "Enter the invoice title.",
        },
        per_field={Place("row", "product", 1): {"sku": "P-1"}},
    )
    shown = named(refused, row_names("add_"))
    assert list(shown.errors) == ["add_sku_1", "add_qty_2", "add_specs_3", "address_city", "invoice_title"]
    assert shown.params_of("add_sku_1") == {"sku": "P-1"} and shown.params_of("add_qty_2") == {}
    lines = {"line.quantity": "qty_{n}", "line": "line_{n}", "row.spec": "spec_{option}"}
    on_lines = ValidationFailed(
        {
            Place("line", "quantity", 17): line_rule.BELOW_MIN,
            Place("line", "product", 18): line_rule.GONE,
            Place("row", "spec", 0, "seal"): line_rule.SPEC,
            "qty_17": line_rule.WHOLE,  # what the form could not read comes last and is shown
        },
        per_field={Place("line", "quantity", 17): {"sku": "P-1", "n": 5}},
    )
    shown = named(on_lines, lines)
    assert shown.errors == {"qty_17": line_rule.WHOLE, "line_18": line_rule.GONE, "spec_seal": line_rule.SPEC}
    assert shown.params_of("qty_17") == {}


def test_a_place_no_door_names_still_has_a_name_for_machines() -> None:
    shown = named(ValidationFailed({Place("line", "price", 3): "x"}))
    assert shown.errors == {"line_3_price": "x"}


def test_the_rows_reach_the_domain_typed() -> None:
    hints = typing.get_type_hints(LineInput)
    assert (hints["sku"], hints["quantity"], hints["specs"]) == (str, int | None, dict[str, str] | None)


def test_the_order_domain_builds_no_html_field_names_and_reads_no_form() -> None:
    pattern = re.compile(r"f\"[^\"\n]*_\{|f'[^'\n]*_\{|\bform\.get\(|quantity_raw|\bform_text\(")
    found = [
        f"{p.relative_to(SRC)}: {m.group()}"
        for folder in ("domain/orders", "domain/fulfilment")
        for p in sorted((SRC / folder).rglob("*.py"))
        for m in pattern.finditer(p.read_text())
    ]
    assert found == []
