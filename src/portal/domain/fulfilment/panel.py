"""The production section of the staff order page: milestones, inspections, packing, what comes next."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

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
    return panel_of(
        status,
        await production.load_rows(db, order_id),
        inspections=await qc.inspections_for(db, order_id),
        packages=await packing.packages_for(db, order_id),
        lines=await packing.packing_lines(db, order_id),
        delivery_estimate=await production.delivery_estimate(db, order_id),
    )


def panel_of(
    status: str,
    rows: Mapping[str, Any],
    *,
    inspections: list[qc.InspectionView],
    packages: list[packing.PackageView],
    lines: list[packing.LinePacking],
    delivery_estimate: date | None,
) -> ProductionPanel | None:
    """The panel from what was read (``rows``: the recorded milestones by name); None before confirmation."""
    if status not in states.CONFIRMED_ONWARD:
        return None
    milestones = [production.staff_view(m, rows.get(m)) for m in MILESTONES]
    done = {m.milestone for m in milestones if m.done}
    producing = production.producing(status, rows)
    return ProductionPanel(
        milestones=milestones,
        inspections=inspections,
        packages=packages,
        lines=lines,
        delivery_estimate=delivery_estimate,
        next_milestone=next((m.milestone for m in milestones if not m.done), None),
        can_report=status == S.CONFIRMED or producing,
        can_inspect=producing and IN_PRODUCTION in done and QC not in done,
        can_pack=producing and QC in done,
    )
