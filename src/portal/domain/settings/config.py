"""Settings staff configure in the portal: approval thresholds and the review SLA; after-sales timings.

The after-sales ones (``first_response_hours``, ``complaint_reopen_days``, ``working_hours``) are
rows of ``portal_settings`` like the others; without a row the defaults below apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import ScalarSelect, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import numbers
from portal.db.admin import PortalSetting
from portal.domain.audit import trail as audit
from portal.domain.errors import ValidationFailed
from portal.domain.orders.actors import Actor
from portal.domain.orders.approval import DEFAULT_THRESHOLDS
from portal.i18n import N_

DEFAULT_REVIEW_SLA_HOURS = 4
DEFAULT_FIRST_RESPONSE_HOURS = 8  # after-sales: working hours until the first staff answer
DEFAULT_REOPEN_DAYS = 14  # a buyer's answer reopens a resolved complaint this many days after
DEFAULT_RETURN_WINDOW_DAYS = 30  # a return may be asked this many days after delivery (Shanghai days)
DEFAULT_WORKING_HOURS = {"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "18:00", "tz": "Asia/Shanghai"}


@dataclass(frozen=True)
class PortalConfig:
    approval_thresholds: list[Decimal]
    review_sla_hours: int
    first_response_hours: int = DEFAULT_FIRST_RESPONSE_HOURS
    complaint_reopen_days: int = DEFAULT_REOPEN_DAYS
    return_window_days: int = DEFAULT_RETURN_WINDOW_DAYS
    working_hours: dict | None = None  # {"days": [0..6], "start": "HH:MM", "end": "HH:MM", "tz": ...}


def thresholds_of(value: Any) -> list[Decimal]:
    """The approval thresholds from the stored value (None: not set, the defaults)."""
    return [Decimal(str(t)) for t in value] if value is not None else list(DEFAULT_THRESHOLDS)


def sla_hours_of(value: Any) -> int:
    """The review SLA in hours from the stored value (None: not set, the default)."""
    return int(value) if value is not None else DEFAULT_REVIEW_SLA_HOURS


def stored(key: str) -> ScalarSelect:
    """The stored value of one setting as a scalar subquery (NULL when not set), for a hot read
    that takes its settings in its own statement."""
    return (
        select(PortalSetting.__table__.c.value).where(PortalSetting.__table__.c.key == key).scalar_subquery()
    )


async def load(db: AsyncSession) -> PortalConfig:
    rows = dict((await db.execute(select(PortalSetting.key, PortalSetting.value))).all())
    return PortalConfig(
        approval_thresholds=thresholds_of(rows.get("approval_thresholds")),
        review_sla_hours=sla_hours_of(rows.get("review_sla_hours")),
        first_response_hours=int(rows.get("first_response_hours", DEFAULT_FIRST_RESPONSE_HOURS)),
        complaint_reopen_days=int(rows.get("complaint_reopen_days", DEFAULT_REOPEN_DAYS)),
        return_window_days=int(rows.get("return_window_days", DEFAULT_RETURN_WINDOW_DAYS)),
        working_hours={**DEFAULT_WORKING_HOURS, **(rows.get("working_hours") or {})},
    )


def parse_thresholds(raw: str) -> list[Decimal]:
    """'100,000; 1,000,000' -> ascending amounts (read in the reader's locale); each level is one more approver."""
    try:
        values = sorted({numbers.decimal(part) for part in raw.replace("\n", ";").split(";") if part.strip()})
    except numbers.NotANumber:
        raise ValidationFailed(
            {"approval_thresholds": N_("Enter amounts separated by semicolons.")}
        ) from None
    if any(v <= 0 or v != v.quantize(Decimal("0.01")) for v in values):
        raise ValidationFailed({"approval_thresholds": N_("Enter amounts separated by semicolons.")})
    return values


async def _store(
    db: AsyncSession,
    actor: Actor,
    group: str,
    values: dict[str, Any],
    *,
    before: dict[str, Any],
    after: dict[str, Any] | None = None,
) -> None:
    """Write each ``key -> value`` (JSON) as a portal setting by ``actor``, audit the change of the
    settings ``group`` (``before`` -> ``after``, by default ``values``) and flush."""
    for key, value in values.items():
        row = await db.get(PortalSetting, key)
        if row is None:
            db.add(PortalSetting(key=key, value=value, updated_by=actor.name))
        else:
            row.value, row.updated_by = value, actor.name
    audit.record(
        db,
        actor,
        entity="settings",
        entity_id=group,
        action="update",
        before=before,
        after=values if after is None else after,
    )
    await db.flush()


async def save(
    db: AsyncSession, actor: Actor, *, thresholds: list[Decimal], review_sla_hours: int
) -> PortalConfig:
    if not 1 <= review_sla_hours <= 24 * 14:
        raise ValidationFailed({"review_sla_hours": N_("Enter a number of hours between 1 and 336.")})
    before = await load(db)
    stored = {"approval_thresholds": [str(t) for t in thresholds], "review_sla_hours": review_sla_hours}
    await _store(
        db,
        actor,
        "portal",
        stored,
        before={key: getattr(before, key) for key in stored},
        after={"approval_thresholds": thresholds, "review_sla_hours": review_sla_hours},
    )
    return PortalConfig(thresholds, review_sla_hours)


async def save_aftersales(
    db: AsyncSession,
    actor: Actor,
    *,
    first_response_hours: int | None,
    complaint_reopen_days: int | None,
    return_window_days: int | None = None,
) -> None:
    """After-sales timings: the first-response SLA (working hours), the complaints' reopen window and the
    return period after delivery (days).

    A value of None is left as it is; a change is audited like the other settings."""
    before = await load(db)
    changes = {
        key: value
        for key, value in (
            ("first_response_hours", first_response_hours),
            ("complaint_reopen_days", complaint_reopen_days),
            ("return_window_days", return_window_days),
        )
        if value is not None and value != getattr(before, key)
    }
    if not changes:
        return
    await _store(db, actor, "aftersales", changes, before={key: getattr(before, key) for key in changes})
