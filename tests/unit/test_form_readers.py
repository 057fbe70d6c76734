"""Form input is read in one place: typed readers, one quantity rule, one way to refuse a form."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import msgspec
import pytest
from litestar.datastructures import FormMultiDict

from portal import clock
from portal.domain.errors import ValidationFailed
from portal.domain.orders import line_rule
from portal.web import inputs
from portal.web.forms import form_id_options, form_quantities
from portal.web.readers import read_form, text, whole
from tests.helpers import an_offer

SRC = Path(__file__).resolve().parents[2] / "src" / "portal"


class Sample(msgspec.Struct):
    name: text(5) = ""
    count: whole("Count, please.", maximum=10) | None = None
    when: date | None = None
    at: datetime | None = None
    price: Decimal | None = None
    agree: bool = False
    html_named: text(10) = msgspec.field(default="", name="html-named")


def _form(**fields: str) -> FormMultiDict:
    return FormMultiDict(list(fields.items()))


def test_fields_are_cleaned_and_typed_by_their_declared_type() -> None:
    fields = {"name": "  abcdefgh ", "count": " 7 ", "when": "2026-12-01", "at": "2026-12-01T10:00"}
    fields |= {"price": "1,234.50", "agree": "on", "html-named": " x "}
    sent = read_form(_form(**fields), Sample)
    assert sent.name == "abcde" and sent.count == 7 and sent.when == date(2026, 12, 1)
    assert sent.at == datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Shanghai time without an offset
    assert sent.price == Decimal("1234.50") and sent.agree is True and sent.html_named == "x"


def test_blank_optional_fields_read_as_none_and_missing_checkboxes_as_off() -> None:
    sent = read_form(_form(count="  ", when=""), Sample)
    assert (sent.name, sent.count, sent.when, sent.at, sent.price, sent.agree) == (
        "",
        None,
        None,
        None,
        None,
        False,
    )


def test_every_unreadable_field_is_reported_beside_its_own_name() -> None:
    far = (clock.today() + timedelta(days=clock.PLANNING_HORIZON_DAYS + 5)).isoformat()
    with pytest.raises(ValidationFailed) as refused:
        read_form(_form(count="11", when="2026-02-30", at="noon", price="1e309"), Sample)
    assert refused.value.errors == {
        "count": "Count, please.",
        "when": "Enter a date as YYYY-MM-DD.",
        "at": "Enter a date and time.",
        "price": "Please correct the highlighted fields.",
    }
    with pytest.raises(ValidationFailed) as refused:
        read_form(_form(when=far, count="²"), Sample)
    assert refused.value.errors == {"count": "Count, please.", "when": "This date is too far ahead."}


def test_a_file_part_where_text_belongs_reads_as_empty() -> None:
    assert read_form({"name": object()}, Sample).name == ""


def test_the_app_forms_are_readable_shapes() -> None:
    shapes = [s for s in vars(inputs).values() if isinstance(s, type) and issubclass(s, msgspec.Struct)]
    assert len(shapes) >= 8
    for shape in shapes:
        assert isinstance(read_form(_form(), shape), shape)  # every field has a type the reader knows


@pytest.mark.parametrize("raw", ["0", "-1", "1.5", "²", "１２", "1e3", "", "1000001", "x" * 10_000])
def test_the_quantity_rule_refuses_what_is_not_a_plain_positive_whole_number(raw: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        line_rule.quantity(raw, name="qty_3")
    assert refused.value.errors == {"qty_3": line_rule.WHOLE}


def test_the_quantity_rule_reads_zero_only_where_it_removes_and_applies_the_product_limits() -> None:
    assert line_rule.quantity(" 12 ") == 12 and line_rule.quantity("0", allow_zero=True) == 0
    with pytest.raises(ValidationFailed) as refused:
        line_rule.quantity("3", an_offer(min_order_qty=5, max_order_qty=10))
    assert refused.value.errors == {"quantity": line_rule.BELOW_MIN}
    assert refused.value.params_of("quantity") == {"sku": "P-1", "n": 5}
    with pytest.raises(ValidationFailed):
        line_rule.quantity("11", an_offer(min_order_qty=5, max_order_qty=10))


def test_a_quantity_family_is_read_by_line_with_blank_as_zero_and_every_refusal_reported() -> None:
    form = _form(qty_1="2", qty_2=" ", qty_x="9", qty_3="1.5", qty_4="-1", other="5")
    with pytest.raises(ValidationFailed) as refused:
        form_quantities(form, "qty_", message="At most what is left.")
    assert refused.value.errors == {"qty_3": "At most what is left.", "qty_4": "At most what is left."}
    assert form_quantities(_form(qty_1="2", qty_2=""), "qty_") == {1: 2, 2: 0}


def _sources(*folders: str) -> list[Path]:
    return [p for folder in folders for p in (SRC / folder).rglob("*.py")]


def test_a_refused_form_is_rolled_back_and_re_rendered_only_by_the_one_helper() -> None:
    pattern = re.compile(r"except ValidationFailed[^\n]*:\n(?:\s*#[^\n]*\n)*\s*await db\.rollback\(\)")
    found = [str(p) for p in _sources("customer", "staff", "web") if pattern.search(p.read_text())]
    assert found == []


def test_quantities_are_parsed_only_by_the_quantity_rule() -> None:
    pattern = re.compile(r"(qty|quantit)\w*\s*=\s*numbers\.whole|numbers\.whole\([^)]*(qty|quantit)")
    found = [str(p) for p in _sources("customer", "staff", "web", "domain") if pattern.search(p.read_text())]
    assert found == []
    assert not hasattr(__import__("portal.domain.orders.cart", fromlist=["cart"]), "parse_quantity")


def test_a_family_of_options_per_line_is_read_by_line_then_option() -> None:
    form = _form(
        spec_17_voltage=" 380V ", spec_17_seal="mech", spec_x_voltage="1", spec_3="no option", qty_17="2"
    )
    assert form_id_options(form, "spec_") == {17: {"voltage": "380V", "seal": "mech"}}


def test_the_order_forms_hand_the_domain_a_date_and_report_what_they_cannot_read() -> None:
    later = clock.today() + timedelta(days=10)
    read = inputs.order_form_fields(_form(requested_delivery_date=later.isoformat(), address_city=" Wuxi "))
    assert read["requested_delivery_date"] == later and read["new_address"]["city"] == "Wuxi"
    assert read["unreadable"] == {}
    refused = inputs.order_form_fields(_form(requested_delivery_date="31/12/2030"))
    assert refused["requested_delivery_date"] is None
    assert refused["unreadable"] == {"requested_delivery_date": "Enter a date as YYYY-MM-DD."}


def test_the_revise_form_reads_amounts_quantities_and_the_promise_and_reports_beside_each_field() -> None:
    from portal.domain.orders import revise
    from portal.staff.review import _changes

    later = clock.today() + timedelta(days=3)
    form = _form(price_1="1,234.5", rqty_1="0", shipping_fee="20", revise_promised_date=later.isoformat())
    changes = _changes(form)
    assert (changes.prices, changes.quantities) == ({1: Decimal("1234.5")}, {1: 0})
    assert (changes.shipping_fee, changes.promised_date, changes.unreadable) == (Decimal(20), later, {})
    odd = _changes(_form(price_1="1,5", price_2="-1", rqty_3="", shipping_fee="x", revise_promised_date="y"))
    assert odd.unreadable == {
        "price_1": revise.MONEY,
        "price_2": revise.MONEY,
        "rqty_3": revise.REMOVES,  # blank does not remove a line
        "shipping_fee": revise.MONEY,
        "promised_date": "Enter a date as YYYY-MM-DD.",
    }


def test_the_domain_inputs_of_the_order_forms_take_dates_amounts_and_numbers_not_text() -> None:
    import typing

    from portal.domain.orders import amend, checkout, entry, revise

    typed = {
        checkout.CheckoutInput: {"requested_delivery_date": date | None},
        amend.Amendment: {"quantities": dict[int, int]},
        entry.EntryInput: {"customer_id": int | None, "contact_id": int | None},
        revise.Changes: {
            "prices": dict[int, Decimal],
            "quantities": dict[int, int],
            "shipping_fee": Decimal | None,
            "promised_date": date | None,
        },
    }
    for shape, fields in typed.items():
        hints = typing.get_type_hints(shape)
        assert {name: hints[name] for name in fields} == fields, shape.__name__
