"""The production section of the staff order page: milestones, inspections, packing, what comes next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from portal.domain.fulfilment import packing, production, qc
from portal.domain.fulfilment.milestones import IN_PRODUCTION, MILESTONES, QC
from portal.domain.orders import states
from portal.domain.orders.states import OrderState as S


@dataclass(frozen=True)
class ProductionPanel:
    milestones: list[production.MilestoneRow]
    inspections: list[qc.InspectionView]
    packages: list[packing.PackageView]
    lines: list[packing.LinePacking]
    delivery_estimate: date | None
    next_milestone: str | None  # the first milestone not done yet
    can_report: bool
    can_inspect: bool
    can_pack: bool


async def production_panel(db: AsyncSession, order_id: int, status: str) -> ProductionPanel | None:
    """None before the order is confirmed (or when it never was): nothing to produce yet."""
    if status not in states.CONFIRMED_ONWARD:  # production follows confirmation; later it is a record
        return None
    rows = await production.load_rows(db, order_id)
    milestones = [production.staff_view(m, rows.get(m)) for m in MILESTONES]
    done = {m.milestone for m in milestones if m.done}
    producing = production.producing(status, rows)
    return ProductionPanel(
        milestones=milestones,
        inspections=await qc.inspections_for(db, order_id),
        packages=await packing.packages_for(db, order_id),
        lines=await packing.packing_lines(db, order_id),
        delivery_estimate=await production.delivery_estimate(db, order_id),
        next_milestone=next((m.milestone for m in milestones if not m.done), None),
        can_report=status == S.CONFIRMED or producing,
        can_inspect=producing and IN_PRODUCTION in done and QC not in done,
        can_pack=producing and QC in done,
    )
