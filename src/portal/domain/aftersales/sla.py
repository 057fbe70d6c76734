"""The first-response SLA watchdog of after-sales cases: one alert per overdue case, ever.

A case's first response is due ``first_response_hours`` working hours after it opened (set when it
opens); until staff answer or resolve it, ``alert_overdue`` (the arq cron) mails the assignee, else
every after-sales user. "Once" is the unique constraint of ``aftersales_sla_alerts``: the insert
that loses the race (or a second run) inserts nothing and mails nothing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.aftersales import AftersalesCase, AftersalesSlaAlert
from portal.db.customers import CustomerAccount
from portal.db.orders import Order
from portal.domain.aftersales.kinds import KINDS
from portal.domain.aftersales.ticket_states import UNSETTLED
from portal.domain.aftersales.working_hours import WorkingHours
from portal.domain.notifications.outbox import queue_email
from portal.domain.notifications.recipients import staff_recipients
from portal.domain.settings import config

FIRST_RESPONSE = "first_response"
BATCH = 100


def overdue_now(now: datetime):  # noqa: ANN201 - the condition "first response overdue" on AftersalesCase
    return (
        AftersalesCase.first_responded_at.is_(None)
        & AftersalesCase.state.in_(UNSETTLED)
        & (AftersalesCase.first_response_due_at < now)
    )


async def alert_overdue(db: AsyncSession) -> int:
    """Alert about every case past its first-response time not alerted yet; how many alerts were sent."""
    now = clock.now()
    settings = await config.load(db)
    hours = WorkingHours.of(settings.working_hours)
    already = exists().where(
        AftersalesSlaAlert.case_id == AftersalesCase.id, AftersalesSlaAlert.alert == FIRST_RESPONSE
    )
    rows = (
        await db.execute(
            select(
                AftersalesCase.id,
                AftersalesCase.number,
                AftersalesCase.kind,
                AftersalesCase.order_id,
                AftersalesCase.assignee_staff_id,
                AftersalesCase.opened_at,
                CustomerAccount.name,
                Order.number,
            )
            .join(CustomerAccount, CustomerAccount.id == AftersalesCase.account_id)
            .outerjoin(Order, Order.id == AftersalesCase.order_id)
            .where(overdue_now(now), ~already)
            .order_by(AftersalesCase.first_response_due_at, AftersalesCase.id)
            .limit(BATCH)
        )
    ).all()
    sent = 0
    for case_id, number, kind, order_id, assignee_id, opened_at, account_name, order_number in rows:
        inserted = await db.scalar(
            insert(AftersalesSlaAlert)
            .values(case_id=case_id, alert=FIRST_RESPONSE, sent_at=now)
            .on_conflict_do_nothing(constraint="uq_aftersales_sla_alerts_case_alert")
            .returning(AftersalesSlaAlert.id)
        )
        if inserted is None:
            continue  # another run alerted first
        sent += 1
        age = hours.between(opened_at, now)
        context = {
            "case_number": number,
            "kind": kind,
            "account_name": account_name,
            "hours": int(age.total_seconds() // 3600),
            "sla_hours": settings.first_response_hours,
            "path": KINDS[kind].link(number=number, order=order_number)
            if kind in KINDS
            else "/staff/aftersales",
            "audience": "staff",
        }
        # the assignee if still active, else everyone with the role: an alert never goes nowhere
        for email, locale in await staff_recipients(db, "aftersales", assignee_id):
            queue_email(
                db,
                template="aftersales_sla_breached",
                recipient=email,
                locale=locale,
                context=context,
                order_id=order_id,
            )
    await db.flush()
    return sent
