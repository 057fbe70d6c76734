"""Approval levels: amount thresholds above which an approver (or two) must agree after review."""

from __future__ import annotations

from decimal import Decimal

# the defaults of DOMAIN.md: from 100,000 one approver, from 1,000,000 a second one
DEFAULT_THRESHOLDS = [Decimal("100000"), Decimal("1000000")]


def levels_required(total: Decimal, thresholds: list[Decimal] | None = None) -> int:
    """How many approver levels an order of ``total`` needs after the review."""
    return sum(
        1 for limit in sorted(thresholds if thresholds is not None else DEFAULT_THRESHOLDS) if total >= limit
    )
