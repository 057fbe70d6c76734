"""Words for the catalog's units of measure; a unit without a label is shown as it is."""

from __future__ import annotations

from portal.i18n import N_, gettext

UNIT_LABELS = {
    "pcs": N_("pcs"),
    "set": N_("set"),
    "m": N_("m"),
    "kg": N_("kg"),
    "box": N_("box"),
    "pair": N_("pair"),
}


def unit_label(code: str) -> str:
    label = UNIT_LABELS.get(code)
    return gettext(label) if label else code
