"""The review-SLA watchdog: orders waiting too long for review alert the reviewers, once per review round."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.customers import CustomerAccount
from portal.db.orders import Order
from portal.domain.notifications.outbox import queue_email
from portal.domain.notifications.recipients import staff_recipients
from portal.domain.orders.states import OrderState
from portal.domain.settings import config

BATCH = 100
# the SLA runs from when the order (last) came into review
WAITING_SINCE = func.coalesce(Order.review_started_at, Order.submitted_at)


async def alert_overdue_reviews(db: AsyncSession) -> int:
    """Mark and announce orders past the review SLA; returns how many were alerted. Idempotent."""
    settings = await config.load(db)
    cutoff = clock.now() - timedelta(hours=settings.review_sla_hours)
    # Core reads and writes: the alert flag must not bump the order's version (open review forms stay valid)
    rows = (
        await db.execute(
            select(Order.id, Order.number, Order.assignee_staff_id, WAITING_SINCE, CustomerAccount.name)
            .join(CustomerAccount, CustomerAccount.id == Order.account_id)
            .where(
                Order.status == OrderState.SUBMITTED, cutoff > WAITING_SINCE, Order.sla_alerted_at.is_(None)
            )
            .order_by(WAITING_SINCE)
            .limit(BATCH)
            .with_for_update(of=Order, skip_locked=True)
        )
    ).all()
    for order_id, number, assignee_id, since, account_name in rows:
        await db.execute(update(Order).where(Order.id == order_id).values(sla_alerted_at=clock.now()))
        context = {
            "number": number,
            "account_name": account_name,
            "hours": int((clock.now() - since).total_seconds() // 3600),
            "sla_hours": settings.review_sla_hours,
            "staff_order_path": f"/staff/orders/{number}",
            "audience": "staff",
        }
        # the assignee if still active, else everyone with the role: an alert never goes nowhere
        for email, locale in await staff_recipients(db, "reviewer", assignee_id):
            queue_email(
                db,
                template="review_sla_breached",
                recipient=email,
                locale=locale,
                context=context,
                order_id=order_id,
            )
    await db.flush()
    return len(rows)


async def overdue(db: AsyncSession, *, limit: int = 10) -> list[tuple[str, str, object]]:
    """Orders past the SLA and still waiting, for the dashboard: (number, customer, waiting since)."""
    settings = await config.load(db)
    cutoff = clock.now() - timedelta(hours=settings.review_sla_hours)
    rows = await db.execute(
        select(Order.number, CustomerAccount.name, WAITING_SINCE)
        .join(CustomerAccount, CustomerAccount.id == Order.account_id)
        .where(Order.status == OrderState.SUBMITTED, cutoff > WAITING_SINCE)
        .order_by(WAITING_SINCE)
        .limit(limit)
    )
    return [tuple(r) for r in rows]
