"""Dates nobody can mean are refused beside their field: they never reach PostgreSQL as `infinity`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.db.fulfilment import ProductionMilestone
from portal.db.orders import Order
from tests.integration.staff import test_production as production
from tests.integration.staff import test_review as review

pytestmark = pytest.mark.business_midnight


@pytest.mark.parametrize(
    ("promised", "message"),
    [
        ("9999-12-31", "This date is too far ahead."),
        ("0001-01-01", "Enter a date as YYYY-MM-DD."),
        ("YESTERDAY", "cannot be in the past"),
    ],
)
async def test_a_promised_date_nobody_can_mean_is_refused(client, db, promised, message):
    order = await review.submitted(db)
    _, token = await review.as_staff(client, db, "reviewer")
    if promised == "YESTERDAY":
        promised = (clock.today() - timedelta(days=1)).isoformat()
    r = await client.post(
        f"/staff/orders/{order.number}/approve",
        data={"_csrf_token": token, "version": str(order.version), "promised_date": promised},
    )
    assert r.status_code == 422 and message in r.text
    assert await db.scalar(select(Order.status).where(Order.id == order.id)) == "submitted"


async def test_today_in_shanghai_is_a_valid_promised_date_even_when_utc_is_a_day_behind(client, db):
    order = await review.submitted(db)
    _, token = await review.as_staff(client, db, "reviewer")
    r = await client.post(
        f"/staff/orders/{order.number}/approve",
        data={
            "_csrf_token": token,
            "version": str(order.version),
            "promised_date": clock.today().isoformat(),
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert await db.scalar(select(Order.promised_delivery_date).where(Order.id == order.id)) == clock.today()


async def test_a_planned_date_too_far_ahead_is_refused(client, db):
    order = await production.confirmed_order(db)
    _, token = await production.as_staff(client, db, "production")
    r = await production.post(
        client, db, order, token, "production", milestone="planned", planned_packed="9999-12-31"
    )
    assert r.status_code == 422 and "This date is too far ahead." in r.text
    assert (
        await db.scalar(select(ProductionMilestone.id).where(ProductionMilestone.order_id == order.id))
        is None
    )
