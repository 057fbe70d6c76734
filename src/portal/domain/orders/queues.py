"""Work queues of the back office and how many orders wait in each."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.orders import Order
from portal.domain.orders.staff_list import view_url
from portal.domain.orders.states import AWAITING_CUSTOMER, TO_PRODUCE, TO_SHIP, OrderState
from portal.i18n import N_


@dataclass(frozen=True)
class Queue:
    key: str
    label: str
    states: tuple[OrderState, ...]
    roles: frozenset[str]
    page: str = ""  # a page of its own (the review queue); else the order list showing its states

    @property
    def url(self) -> str:
        return self.page or view_url(self.states)


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
        AWAITING_CUSTOMER,
        frozenset({"sales", "reviewer"}),
    ),
    Queue(
        "production",
        N_("In production"),
        TO_PRODUCE,
        frozenset({"production"}),
    ),
    Queue(
        "shipping",
        N_("To ship"),
        TO_SHIP,
        frozenset({"logistics"}),
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
