"""The line rule on its own: product sold, quantity within limits, exactly the offered options."""

from __future__ import annotations

from dataclasses import replace

import pytest

from portal.domain.orders import line_rule
from tests.helpers import an_offer

PUMP = an_offer(min_order_qty=2, max_order_qty=50)


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
