"""Production milestones of an order, the delivery estimate they give, and milestone e-mails.

Milestones are reached in order (``milestones.MILESTONES``). Recording the production plan starts
production; ``qc`` is reached only through a passed inspection (``qc.py``) and ``packed`` only by
packing (``packing.py``). Like the order service, nothing here commits: the caller's transaction does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from portal import clock
from portal.db.fulfilment import ProductionMilestone
from portal.db.orders import Order, OrderEvent
from portal.db.outbox import OutboxMessage
from portal.domain.errors import InvalidTransition, OrderChanged, ValidationFailed
from portal.domain.fulfilment.milestones import (
    IN_PRODUCTION,
    MILESTONES,
    PACKED,
    PLANNED,
    QC,
)
from portal.domain.orders import backorder, events, notify, service
from portal.domain.orders.actors import Actor
from portal.domain.orders.events import EventKind
from portal.domain.orders.states import OrderState
from portal.formatting import iso
from portal.i18n import N_

TRANSIT_DAYS = 3  # packed to delivered: domestic road freight, as quoted on our confirmations
EARLIER_FIRST = N_("The earlier milestones are not done yet.")
LATER_DONE = N_("A later milestone is already done; this one can no longer change.")
PROGRESS_RANGE = N_("Enter a progress between 0 and 100.")


@dataclass(frozen=True)
class MilestoneView:
    """What anyone may see of a milestone, customers included: no notes, no names."""

    milestone: str
    planned_date: date | None
    actual_date: date | None
    progress: int
    done: bool


@dataclass(frozen=True)
class MilestoneRow(MilestoneView):
    """The staff view of a milestone: with the internal note and who updated it last."""

    note: str = ""
    updated_by: str = ""


@dataclass(frozen=True)
class MilestoneReport:
    """One post of the production form: planned dates by milestone, reached, progress, note."""

    milestone: str
    planned: dict[str, date] = field(default_factory=dict)
    actual_date: date | None = None
    progress: int | None = None
    done: bool = False
    note: str = ""


async def load_rows(db: AsyncSession, order_id: int, *, lock: bool = False) -> dict[str, ProductionMilestone]:
    stmt = select(ProductionMilestone).where(ProductionMilestone.order_id == order_id)
    rows = await db.scalars(stmt.with_for_update() if lock else stmt)
    return {r.milestone: r for r in rows}


def is_done(rows: dict[str, ProductionMilestone], milestone: str) -> bool:
    row = rows.get(milestone)
    return row is not None and row.actual_date is not None


def staff_view(milestone: str, row: Any) -> MilestoneRow:
    """One milestone as staff see it, recorded or not (``row``: a ProductionMilestone or alike, or None)."""
    if row is None:
        return MilestoneRow(milestone, None, None, 0, False)
    done = row.actual_date is not None
    return MilestoneRow(
        milestone,
        row.planned_date,
        row.actual_date,
        100 if done else row.progress,
        done,
        note=row.note,
        updated_by=row.updated_by,
    )


def public_views(rows: Mapping[str, Any]) -> list[MilestoneView]:
    """All five milestones in order from the recorded ``rows`` (by milestone: anything with
    planned_date, actual_date, progress, note and updated_by), with public fields only."""
    return [
        MilestoneView(v.milestone, v.planned_date, v.actual_date, v.progress, v.done)
        for v in (staff_view(m, rows.get(m)) for m in MILESTONES)
    ]


async def milestones_for(db: AsyncSession, order_id: int) -> list[MilestoneView]:
    """All five milestones in order, recorded or not, with public fields only."""
    return public_views(await load_rows(db, order_id))


async def delivery_estimate(db: AsyncSession, order_id: int) -> date | None:
    """The current estimate; the promised date until production gives a better one."""
    row = (
        await db.execute(
            select(Order.delivery_estimate, Order.promised_delivery_date).where(Order.id == order_id)
        )
    ).first()
    return (row.delivery_estimate or row.promised_delivery_date) if row else None


def producing(status: str, rows: dict[str, ProductionMilestone]) -> bool:
    """Production, QC and packing go on: in production, or shipped in part early with the rest unpacked."""
    early_part = status == OrderState.PARTIALLY_SHIPPED and not is_done(rows, PACKED)
    return status == OrderState.IN_PRODUCTION or early_part


def production_date(rows: dict[str, ProductionMilestone]) -> date | None:
    """The date printed on labels: production finished, else the inspection passed."""
    return next((rows[m].actual_date for m in (IN_PRODUCTION, QC) if is_done(rows, m)), None)


async def bump_version(db: AsyncSession, order: Order, expected_version: int | None) -> None:
    """Check the version the page showed and bump it: two people recording at once, one wins."""
    if expected_version is not None and expected_version != order.version:
        raise OrderChanged()
    order.updated_at = clock.now()
    try:
        await db.flush()
    except StaleDataError:
        raise OrderChanged() from None


async def refresh_estimate(db: AsyncSession, order: Order, rows: dict[str, ProductionMilestone]) -> None:
    """The estimate from the packing date, planned or actual; until packed, never before a shortage ends."""
    packed = rows.get(PACKED)
    when = packed and (packed.actual_date or packed.planned_date)
    estimate = when + timedelta(days=TRANSIT_DAYS) if when else order.delivery_estimate
    estimate = estimate or order.promised_delivery_date
    if not is_done(rows, PACKED):
        estimate = max(filter(None, (estimate, await backorder.wait_date(db, order.id))), default=None)
    order.delivery_estimate = estimate


async def mail_milestone(db: AsyncSession, order: Order, event: OrderEvent, milestone: str, on: date) -> bool:
    """Tell the order's contact a milestone was reached, in their language, if they asked for it
    (``notify.messages`` applies their e-mail preferences)."""
    already = await db.scalar(
        select(
            exists().where(
                OutboxMessage.order_id == order.id,
                OutboxMessage.template == "production_milestone",
                OutboxMessage.context["milestone"].astext == milestone,
            )
        )
    )
    if already:  # reached again after a rework: the customer heard about it once
        return False
    extra = {
        "milestone": milestone,
        "reached_on": on.isoformat(),
        "delivery_estimate": iso(order.delivery_estimate),
    }
    return bool(
        await notify.messages(db, order, "production_milestone", "customer", event=event, extra=extra)
    )


def _check_report(report: MilestoneReport, rows: dict[str, ProductionMilestone], today: date) -> bool:
    """Refuse what breaks the order of milestones; True when the report reaches the milestone."""
    m = report.milestone
    if m not in MILESTONES:
        raise ValidationFailed({"milestone": N_("Choose a milestone.")})
    if report.progress is not None and not 0 <= report.progress <= 100:
        raise ValidationFailed({"progress": PROGRESS_RANGE})
    if report.actual_date and report.actual_date > today:
        raise ValidationFailed({"actual_date": N_("The actual date cannot be in the future.")})
    if m != PLANNED and set(report.planned) - {m}:
        raise ValidationFailed({"milestone": N_("Plan the other milestones with the production plan.")})
    reaching = m == PLANNED or report.done or report.actual_date is not None
    reaching = reaching or (m == IN_PRODUCTION and report.progress == 100)
    if reaching and m == QC:
        raise ValidationFailed(
            {"milestone": N_("The quality inspection is completed by a passed inspection.")}
        )
    if reaching and m == PACKED:
        raise ValidationFailed({"milestone": N_("Packing is completed on the packing form.")})
    if m == PLANNED:
        return True
    progressing = reaching or (m == IN_PRODUCTION and report.progress is not None)
    earlier = MILESTONES[: MILESTONES.index(m)] if progressing else (PLANNED,)
    if not all(is_done(rows, e) for e in earlier):
        raise ValidationFailed({"milestone": EARLIER_FIRST})
    later = MILESTONES[MILESTONES.index(m) + 1 :]
    if progressing and any(is_done(rows, x) for x in later):
        raise ValidationFailed({"milestone": LATER_DONE})
    return reaching


async def record_milestone(
    db: AsyncSession,
    actor: Actor,
    order: Order,
    report: MilestoneReport,
    *,
    expected_version: int | None = None,
    today: date | None = None,
) -> ProductionMilestone:
    """Record planned dates, progress or the reaching of one milestone; the plan starts production."""
    rows = await load_rows(db, order.id, lock=True)
    if order.status != OrderState.CONFIRMED and not producing(order.status, rows):
        raise InvalidTransition()
    today = today or clock.today()
    reaching = _check_report(report, rows, today)
    await bump_version(db, order, expected_version)
    for m, planned in report.planned.items():
        ensure_row(db, order, rows, m).planned_date = planned
    row = ensure_row(db, order, rows, report.milestone)
    newly_reached = reaching and row.actual_date is None
    if report.progress is not None and report.milestone == IN_PRODUCTION:
        row.progress, row.actual_date = report.progress, None
    if reaching:
        row.actual_date = report.actual_date or row.actual_date or today
        row.progress = 100
    row.note, row.updated_by = report.note or row.note, actor.name
    await refresh_estimate(db, order, rows)
    if order.status == OrderState.CONFIRMED:
        event = await service.start_production(db, actor, order)
    else:
        data = {
            "milestone": row.milestone,
            "reached": newly_reached,
            "progress": row.progress,
            "actual_date": iso(row.actual_date),
            "planned": {m: d.isoformat() for m, d in report.planned.items()},
        }
        # a note alone changes nothing the customer sees
        public = newly_reached or bool(report.planned) or report.progress is not None
        event = events.record(db, order, actor, EventKind.MILESTONE, public=public, data=data)
        await db.flush()
    if newly_reached:
        await mail_milestone(db, order, event, row.milestone, row.actual_date or today)
    return row


def ensure_row(
    db: AsyncSession, order: Order, rows: dict[str, ProductionMilestone], m: str
) -> ProductionMilestone:
    """The milestone's row, created on first use."""
    if m not in rows:
        rows[m] = ProductionMilestone(order_id=order.id, milestone=m, progress=0, note="")
        db.add(rows[m])
    return rows[m]
