"""QC inspections: a pass reaches the ``qc`` milestone; fail or rework sends production back.

Every inspection is kept with its result, note and inspector; the notes are internal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.fulfilment import QcInspection
from portal.db.orders import Order
from portal.domain.errors import InvalidTransition, ValidationFailed
from portal.domain.fulfilment.milestones import IN_PRODUCTION, QC, QC_RESULTS
from portal.domain.fulfilment.production import (
    bump_version,
    ensure_row,
    is_done,
    load_rows,
    mail_milestone,
    producing,
    refresh_estimate,
)
from portal.domain.orders import events
from portal.domain.orders.actors import Actor
from portal.domain.orders.events import EventKind
from portal.i18n import N_

PROGRESS_AFTER = {"rework": 80, "fail": 50}  # a failed batch is further from done than one to rework


async def inspect(
    db: AsyncSession,
    actor: Actor,
    order: Order,
    *,
    result: str,
    note: str = "",
    expected_version: int | None = None,
    today: date | None = None,
) -> QcInspection:
    """A QC inspection: a pass reaches ``qc``; fail or rework sends production back. Every one is kept."""
    if result not in QC_RESULTS:
        raise ValidationFailed({"result": N_("Choose pass, fail or rework.")})
    rows = await load_rows(db, order.id, lock=True)
    if not producing(order.status, rows):
        raise InvalidTransition()
    note = note.strip()
    if result != "pass" and not note:
        raise ValidationFailed({"note": N_("Describe what has to be fixed.")})
    today = today or clock.today()
    if not is_done(rows, IN_PRODUCTION):
        raise ValidationFailed({"result": N_("Production is not finished yet: there is nothing to inspect.")})
    if is_done(rows, QC):
        raise ValidationFailed({"result": N_("This order has already passed the quality inspection.")})
    await bump_version(db, order, expected_version)
    inspection = QcInspection(
        order_id=order.id,
        result=result,
        note=note,
        inspector_id=actor.id if actor.kind == "staff" else None,
        inspector_name=actor.name,
    )
    db.add(inspection)
    if result == "pass":
        qc = ensure_row(db, order, rows, QC)
        qc.actual_date, qc.progress, qc.updated_by = today, 100, actor.name
    else:
        back = rows[IN_PRODUCTION]
        back.actual_date, back.progress, back.updated_by = None, PROGRESS_AFTER[result], actor.name
    await refresh_estimate(db, order, rows)
    events.record(db, order, actor, EventKind.QC_INSPECTION, public=False, note=note, data={"result": result})
    if result == "pass":
        event = events.record(
            db,
            order,
            actor,
            EventKind.MILESTONE,
            data={"milestone": QC, "reached": True, "actual_date": today.isoformat()},
        )
        await db.flush()
        await mail_milestone(db, order, event, QC, today)
    await db.flush()
    return inspection


@dataclass(frozen=True)
class InspectionView:
    at: datetime
    result: str
    note: str
    inspector_name: str


async def inspections_for(db: AsyncSession, order_id: int) -> list[InspectionView]:
    rows = await db.execute(
        select(QcInspection.at, QcInspection.result, QcInspection.note, QcInspection.inspector_name)
        .where(QcInspection.order_id == order_id)
        .order_by(QcInspection.id)
    )
    return [InspectionView(*r) for r in rows]
