"""The production milestones and QC results and their words (timelines word them in ``orders.wording``).

Kept free of database imports so templates (Jinja globals) and the timeline can use it.
"""

from __future__ import annotations

from portal.i18n import N_

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
