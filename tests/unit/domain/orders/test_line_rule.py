"""The line rule on its own: product sold, quantity within limits, exactly the offered options."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from portal.domain.catalog.products import ProductOffer
from portal.domain.orders import line_rule

PUMP = ProductOffer(
    id=1,
    sku="P-1",
    name_zh="泵",
    name_en="Pump",
    description_zh="",
    description_en="",
    category="pumps",
    unit="pcs",
    list_price=Decimal("10"),
    price=Decimal("9"),
    stock_on_hand=5,
    lead_time_days=3,
    made_to_order=False,
    min_order_qty=2,
    max_order_qty=50,
    spec_options={"voltage": ["220V", "380V"]},
    is_active=True,
)


@pytest.mark.parametrize(
    ("offer", "quantity", "specs", "expected"),
    [
        (PUMP, 2, {"voltage": "380V"}, None),
        (PUMP, 50, {"voltage": "220V"}, None),
        (None, 2, {}, ("product", line_rule.GONE, {"sku": "GONE-1"})),
        (replace(PUMP, is_active=False), 2, {"voltage": "380V"}, ("product", line_rule.GONE, {"sku": "P-1"})),
        (PUMP, 1, {"voltage": "380V"}, ("quantity", line_rule.BELOW_MIN, {"sku": "P-1", "n": 2})),
        (PUMP, 51, {"voltage": "380V"}, ("quantity", line_rule.ABOVE_MAX, {"sku": "P-1", "n": 50})),
        (PUMP, 2, {}, ("spec", line_rule.SPEC, {"sku": "P-1", "option": "voltage"})),
        (PUMP, 2, {"voltage": "999V"}, ("spec", line_rule.SPEC, {"sku": "P-1", "option": "voltage"})),
        (
            PUMP,
            2,
            {"voltage": "380V", "colour": "red"},
            ("spec", line_rule.UNKNOWN_SPEC, {"sku": "P-1", "option": "colour"}),
        ),
    ],
)
def test_the_rule_names_the_first_reason_a_line_cannot_be_submitted(offer, quantity, specs, expected):
    found = line_rule.refusal(offer, quantity, specs, sku="GONE-1")
    assert (found and (found.kind, found.message, found.params)) == expected
