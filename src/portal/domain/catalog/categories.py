"""Words for the catalog's category codes; a code without a label is shown as it is."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.domain.catalog.labels import word
from portal.i18n import N_

CATEGORY_LABELS = {
    "pumps": N_("pumps"),
    "valves": N_("valves"),
    "motors": N_("motors"),
    "gearboxes": N_("gearboxes"),
    "bearings": N_("bearings"),
    "sensors": N_("sensors"),
    "controls": N_("controls"),
    "piping": N_("piping"),
    "hydraulics": N_("hydraulics"),
    "conveyors": N_("conveyors"),
    "spare parts": N_("spare parts"),
}


def category_label(code: str, labels: Mapping[str, Any] | None = None) -> str:
    """The product's own label (reader's language first), else the built-in word, else the code."""
    return word(code, labels, "category", CATEGORY_LABELS)
