"""Order numbers SO-YYYY-NNNNNN: unique, sequential per year, never reused.

One counter row per year, incremented with an upsert: the row lock it takes serialises
concurrent submissions until their transactions end, and a rolled-back submission rolls
its increment back too, so numbers have no gaps and no duplicates.
"""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.orders import OrderNumberCounter


def format_number(year: int, value: int) -> str:
    return f"SO-{year}-{value:06d}"


async def next_order_number(db: AsyncSession, year: int) -> str:
    stmt = (
        insert(OrderNumberCounter)
        .values(year=year, last_value=1)
        .on_conflict_do_update(
            index_elements=[OrderNumberCounter.year],
            set_={"last_value": OrderNumberCounter.last_value + 1},
        )
        .returning(OrderNumberCounter.last_value)
    )
    value = (await db.execute(stmt)).scalar_one()
    return format_number(year, value)
