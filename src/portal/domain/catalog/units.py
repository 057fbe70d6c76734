"""Words for the catalog's units of measure; a unit without a label is shown as it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.domain.catalog.labels import word
from portal.i18n import N_

UNIT_LABELS = {
    "pcs": N_("pcs"),
    "set": N_("set"),
    "m": N_("m"),
    "kg": N_("kg"),
    "box": N_("box"),
    "pair": N_("pair"),
}


def unit_label(code: str, labels: Mapping[str, Any] | None = None) -> str:
    """The product's own label (reader's language first), else the built-in word, else the code."""
    return word(code, labels, "unit", UNIT_LABELS)
