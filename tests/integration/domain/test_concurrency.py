"""Races on real PostgreSQL, each contender on its own connection."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import func, select

from portal.db.engine import make_sessionmaker
from portal.db.orders import Order, OrderEvent
from portal.domain.errors import OrderChanged
from portal.domain.orders import service
from tests.helpers import customer_actor, make_customer, make_order, make_staff, staff_actor


async def test_50_concurrent_submissions_get_50_distinct_numbers(db, wide_engine):
    buyer = await make_customer(db)
    actor = customer_actor(buyer)
    order_ids = [(await make_order(db, customer=buyer)).id for _ in range(50)]
    start = asyncio.Event()
    sessions = make_sessionmaker(wide_engine)

    async def submit(order_id: int) -> str:
        async with sessions() as s, s.begin():
            order = await s.get(Order, order_id)
            await start.wait()
            await service.submit(s, actor, order, now=datetime(2026, 6, 1, tzinfo=UTC))
            return order.number

    tasks = [asyncio.create_task(submit(i)) for i in order_ids]
    await asyncio.sleep(0.2)
    start.set()
    numbers = await asyncio.gather(*tasks)
    assert sorted(numbers) == [f"SO-2026-{n:06d}" for n in range(1, 51)]


async def test_20_concurrent_approvals_one_wins(db, wide_engine):
    buyer = await make_customer(db)
    reviewers = [await make_staff(db, "reviewer") for _ in range(20)]
    order = await make_order(db, customer=buyer)
    await service.submit(db, customer_actor(buyer), order)
    await db.commit()
    version, order_id = order.version, order.id
    start = asyncio.Event()
    sessions = make_sessionmaker(wide_engine)

    async def approve(reviewer) -> str:
        actor = staff_actor(reviewer)
        try:
            async with sessions() as s, s.begin():
                mine = await s.get(Order, order_id)
                await start.wait()
                await service.approve(s, actor, mine, expected_version=version, note="ok")
            return "won"
        except OrderChanged:
            return "409"

    tasks = [asyncio.create_task(approve(r)) for r in reviewers]
    await asyncio.sleep(0.2)
    start.set()
    results = await asyncio.gather(*tasks)
    assert results.count("won") == 1 and results.count("409") == 19
    approvals = await db.scalar(
        select(func.count())
        .select_from(OrderEvent)
        .where(OrderEvent.order_id == order_id, OrderEvent.action.in_(["approve", "send_confirmation"]))
    )
    assert approvals == 1
