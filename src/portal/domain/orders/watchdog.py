"""The review-SLA watchdog: orders waiting too long for review alert the reviewers, once per order."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.base import utcnow
from portal.db.customers import CustomerAccount
from portal.db.orders import Order
from portal.db.staff import StaffUser
from portal.domain.admin import config
from portal.domain.notifications.outbox import queue_email

BATCH = 100


async def _reviewers(db: AsyncSession, assignee_id: int | None) -> list[tuple[str, str]]:
    stmt = select(StaffUser.email, StaffUser.locale).where(StaffUser.is_active.is_(True))
    stmt = (
        stmt.where(StaffUser.id == assignee_id)
        if assignee_id
        else stmt.where(StaffUser.roles.contains(["reviewer"]))
    )
    return [(r.email, r.locale or "zh_CN") for r in (await db.execute(stmt)).all()]


async def alert_overdue_reviews(db: AsyncSession) -> int:
    """Mark and announce orders past the review SLA; returns how many were alerted. Idempotent."""
    settings = await config.load(db)
    cutoff = utcnow() - timedelta(hours=settings.review_sla_hours)
    rows = (
        await db.execute(
            select(Order, CustomerAccount.name)
            .join(CustomerAccount, CustomerAccount.id == Order.account_id)
            .where(Order.status == "submitted", Order.submitted_at < cutoff, Order.sla_alerted_at.is_(None))
            .order_by(Order.submitted_at)
            .limit(BATCH)
            .with_for_update(of=Order, skip_locked=True)
        )
    ).all()
    for order, account_name in rows:
        order.sla_alerted_at = utcnow()
        waited = int((utcnow() - order.submitted_at).total_seconds() // 3600)
        context = {
            "number": order.number,
            "account_name": account_name,
            "hours": waited,
            "sla_hours": settings.review_sla_hours,
            "staff_order_path": f"/staff/orders/{order.number}",
        }
        for email, locale in await _reviewers(db, order.assignee_staff_id):
            queue_email(
                db,
                template="review_sla_breached",
                recipient=email,
                locale=locale,
                context=context,
                order_id=order.id,
            )
    await db.flush()
    return len(rows)


async def overdue(db: AsyncSession, *, limit: int = 10) -> list[tuple[str, str, object]]:
    """Orders past the SLA and still waiting, for the dashboard: (number, customer, submitted_at)."""
    settings = await config.load(db)
    cutoff = utcnow() - timedelta(hours=settings.review_sla_hours)
    rows = await db.execute(
        select(Order.number, CustomerAccount.name, Order.submitted_at)
        .join(CustomerAccount, CustomerAccount.id == Order.account_id)
        .where(Order.status == "submitted", Order.submitted_at < cutoff)
        .order_by(Order.submitted_at)
        .limit(limit)
    )
    return [tuple(r) for r in rows]
