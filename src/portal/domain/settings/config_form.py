"""Reading the settings form (approval thresholds, review SLA, after-sales timings) before config saves it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from portal.domain.errors import ValidationFailed
from portal.domain.fields import FormReader
from portal.domain.settings import config
from portal.i18n import N_

# digits with optional thousands separators and decimals: keeps NaN and Infinity away from the parser
MAX_LEVELS = 5


@dataclass(frozen=True)
class SettingsData:
    thresholds: list[Decimal]
    review_sla_hours: int
    first_response_hours: int | None = None  # after-sales; None: the field was not sent, keep as is
    complaint_reopen_days: int | None = None
    return_window_days: int | None = None


def settings_values(cfg: config.PortalConfig) -> dict[str, str]:
    return {
        "approval_thresholds": "; ".join(f"{t.normalize():f}" for t in cfg.approval_thresholds),
        "review_sla_hours": str(cfg.review_sla_hours),
        "first_response_hours": str(cfg.first_response_hours),
        "complaint_reopen_days": str(cfg.complaint_reopen_days),
        "return_window_days": str(cfg.return_window_days),
    }


def parse_settings(values: dict[str, str]) -> SettingsData:
    form = FormReader(values)
    hours = form.integer(
        "review_sla_hours",
        minimum=1,
        maximum=24 * 14,
        message=N_("Enter a number of hours between 1 and 336."),
    )
    raw = form.text("approval_thresholds", limit=200)
    thresholds: list[Decimal] = []
    parts = [p.strip() for p in raw.replace("；", ";").replace("\n", ";").split(";") if p.strip()]
    if len(parts) > MAX_LEVELS:
        form.error("approval_thresholds", N_("At most 5 approval levels."))
    else:
        try:
            thresholds = config.parse_thresholds("; ".join(parts))
        except ValidationFailed as exc:
            form.errors.update(exc.errors)
    first = reopen = None
    if values.get("first_response_hours", "").strip():
        first = form.integer(
            "first_response_hours",
            minimum=1,
            maximum=24 * 14,
            message=N_("Enter a number of hours between 1 and 336."),
        )
    if values.get("complaint_reopen_days", "").strip():
        reopen = form.integer(
            "complaint_reopen_days",
            minimum=0,
            maximum=365,
            message=N_("Enter a number of days between 0 and 365."),
        )
    window = None
    if values.get("return_window_days", "").strip():
        window = form.integer(
            "return_window_days",
            minimum=0,
            maximum=365,
            message=N_("Enter a number of days between 0 and 365."),
        )
    form.check()
    return SettingsData(thresholds, hours, first, reopen, window)
