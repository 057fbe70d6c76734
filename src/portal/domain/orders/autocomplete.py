"""Orders delivered N days ago that nobody confirmed are completed by the system."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.orders import Order
from portal.domain.orders import service, states
from portal.domain.orders.actors import Actor
from portal.domain.orders.states import Action

BATCH = 200


async def complete_delivered(db: AsyncSession, *, after_days: int) -> int:
    """Complete delivered orders older than ``after_days``; skips rows another worker holds."""
    cutoff = clock.now() - timedelta(days=after_days)
    orders = (
        await db.scalars(
            select(Order)
            .where(Order.status.in_(states.sources(Action.COMPLETE)), Order.delivered_at < cutoff)
            .order_by(Order.delivered_at)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        )
    ).all()
    system = Actor.system("auto-complete")
    for order in orders:
        await service.complete(db, system, order)
    return len(orders)
