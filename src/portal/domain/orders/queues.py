"""Work queues of the back office and how many orders wait in each."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.orders import Order
from portal.domain.orders.states import OrderState
from portal.i18n import N_


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    states: tuple[OrderState, ...]
    roles: frozenset[str]
    url: str


QUEUES = (
    Queue(
        "review",
        N_("To review"),
        (OrderState.SUBMITTED,),
        frozenset({"reviewer", "sales"}),
        "/staff/review?state=submitted",
    ),
    Queue(
        "approval",
        N_("Awaiting approval"),
        (OrderState.AWAITING_APPROVAL,),
        frozenset({"approver"}),
        "/staff/review?state=awaiting_approval",
    ),
    Queue(
        "customer",
        N_("Awaiting the customer"),
        (OrderState.CHANGES_REQUESTED, OrderState.CONFIRMATION_SENT),
        frozenset({"sales", "reviewer"}),
        "/staff/review?state=confirmation_sent",
    ),
    Queue(
        "production",
        N_("In production"),
        (OrderState.CONFIRMED, OrderState.IN_PRODUCTION),
        frozenset({"production"}),
        "/staff/review?state=in_production",
    ),
    Queue(
        "shipping",
        N_("To ship"),
        (OrderState.READY_TO_SHIP, OrderState.PARTIALLY_SHIPPED),
        frozenset({"logistics"}),
        "/staff/review?state=ready_to_ship",
    ),
)


@dataclass(frozen=True)
class QueueCount:
    queue: Queue
    count: int


async def queue_counts(db: AsyncSession, *, roles: list[str]) -> list[QueueCount]:
    """Counts for the queues these roles work, in one statement."""
    mine = [q for q in QUEUES if "admin" in roles or q.roles & set(roles)]
    if not mine:
        return []
    rows = dict((await db.execute(select(Order.status, func.count()).group_by(Order.status))).all())
    return [QueueCount(q, sum(rows.get(s.value, 0) for s in q.states)) for q in mine]
