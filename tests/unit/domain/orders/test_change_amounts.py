""" "What changed" between confirmation versions shows amounts, dates and units per the reader's locale."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.domain.orders.confirmation_docs import differences
from portal.formatting import money
from portal.i18n import using_locale

LINE = {"sku": "PMP-100", "specs": {}, "unit": "pcs", "unit_price": "4800.00", "line_total": "9600.00"}
OLD = {
    "currency": "CNY",
    "total": "10848.00",
    "shipping_fee": "0.00",
    "promised_delivery_date": "2027-01-05",
    "payment_terms": "net",
    "payment_days": 30,
    "lines": [{**LINE, "quantity": 2}],
}
NEW = {
    **OLD,
    "total": "1234567.50",
    "shipping_fee": "120.00",
    "promised_delivery_date": "2027-02-10",
    "payment_terms": "prepaid",
    "lines": [{**LINE, "quantity": 3, "unit_price": "4500.00"}],
}


@pytest.mark.parametrize(
    ("locale", "unit", "date"), [("en", "3 pcs × ", "Feb 10, 2027"), ("zh_CN", "3 件 × ", "2027年2月10日")]
)
def test_every_amount_in_what_changed_is_formatted(locale, unit, date):
    with using_locale(locale):
        changes = {c.what: (c.before, c.after) for c in differences(OLD, NEW)}
        assert changes["Total"] == (money(Decimal("10848"), "CNY"), money(Decimal("1234567.5"), "CNY"))
        assert changes["Shipping"][1] == money(Decimal("120"), "CNY")
        assert changes["Line %(sku)s"][1] == unit + money(Decimal("4500"), "CNY")
    assert "1,234,567.50" in changes["Total"][1]
    assert changes["Promised delivery date"][1] == date
    assert changes["Payment terms"][1] in ("prepaid", "预付款")  # a change of terms alone is a change
    shown = " ".join(b + a for b, a in changes.values())
    assert "1234567.50" not in shown and "4500.00 " not in shown and "2027-02-10" not in shown
