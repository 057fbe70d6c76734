"""The production milestones and QC results, their words, and how fulfilment steps read on a timeline.

Kept free of database imports so templates (Jinja globals) and the timeline can use it.
"""

from __future__ import annotations

from typing import Any

from portal.i18n import N_, gettext

PLANNED, MATERIALS_READY, IN_PRODUCTION, QC, PACKED = (
    "planned",
    "materials_ready",
    "in_production",
    "qc",
    "packed",
)
MILESTONES = (PLANNED, MATERIALS_READY, IN_PRODUCTION, QC, PACKED)  # in the order they are reached

MILESTONE_LABELS: dict[str, str] = {
    PLANNED: N_("Production plan"),
    MATERIALS_READY: N_("Materials ready"),
    IN_PRODUCTION: N_("In production"),
    QC: N_("Quality inspection"),
    PACKED: N_("Packing and labelling"),
}

# what a timeline says when a milestone is reached ("In production" reached means production is finished)
REACHED_WORDING: dict[str, str] = {
    PLANNED: N_("Production planned"),
    MATERIALS_READY: N_("Materials ready for production"),
    IN_PRODUCTION: N_("Production finished"),
    QC: N_("Quality inspection passed"),
    PACKED: N_("Packed and labelled"),
}

QC_RESULTS = ("pass", "fail", "rework")
QC_RESULT_LABELS: dict[str, str] = {
    "pass": N_("passed"),
    "fail": N_("not passed"),
    "rework": N_("rework"),
}


def event_text(action: str, data: dict[str, Any]) -> str | None:
    """The timeline wording of a fulfilment step in the current language; None for other actions."""
    milestone = data.get("milestone", "")
    if action == "milestone":
        if data.get("reached") and milestone in REACHED_WORDING:
            return gettext(REACHED_WORDING[milestone])
        if milestone == IN_PRODUCTION and data.get("progress") is not None:
            return gettext("Production progress: %(progress)s%%", progress=data["progress"])
        return gettext("Production plan updated")
    if action == "qc_inspection":
        result = gettext(QC_RESULT_LABELS.get(data.get("result", ""), ""))
        return gettext("Quality inspection: %(result)s", result=result)
    if action == "packed":
        return gettext("Package %(position)s packed", position=data.get("position", ""))
    return None
