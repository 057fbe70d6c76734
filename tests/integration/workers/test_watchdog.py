"""The review-SLA watchdog alerts reviewers once per overdue order, by e-mail and on the dashboard."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from portal import clock
from portal.db.outbox import OutboxMessage
from portal.domain.orders import service, watchdog
from tests.helpers import customer_actor, make_customer, make_order, make_staff, sign_in, text_of


async def _submitted(db, hours_ago: float):
    buyer = await make_customer(db)
    order = await make_order(db, customer=buyer)
    await service.submit(
        db,
        customer_actor(buyer),
        order,
        now=clock.now() - timedelta(hours=hours_ago),
    )
    await db.commit()
    return order


async def test_overdue_orders_alert_reviewers_once(client, db):
    reviewers = [await make_staff(db, "reviewer") for _ in range(2)]
    late = await _submitted(db, 5)  # default SLA: 4 hours
    await _submitted(db, 1)
    assert await watchdog.alert_overdue_reviews(db) == 1
    await db.commit()
    assert await watchdog.alert_overdue_reviews(db) == 0  # never twice
    await db.commit()
    mails = (
        await db.scalars(select(OutboxMessage).where(OutboxMessage.template == "review_sla_breached"))
    ).all()
    assert sorted(m.recipient for m in mails) == sorted(r.email for r in reviewers)
    assert all(m.context["number"] == late.number for m in mails)
    await sign_in(client, reviewers[0].email, staff=True)
    page = text_of((await client.get("/staff/")).text)
    assert "Review SLA breaches" in page and late.number in page


async def test_a_claimed_order_alerts_only_its_assignee(db):
    reviewer = await make_staff(db, "reviewer")
    await make_staff(db, "reviewer")
    order = await _submitted(db, 6)
    order.assignee_staff_id = reviewer.id
    await db.commit()
    await watchdog.alert_overdue_reviews(db)
    await db.commit()
    assert (
        await db.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.template == "review_sla_breached")
        )
        == 1
    )
