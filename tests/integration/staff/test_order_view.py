"""Staff see every event with its actor, and an order's notifications; they can resend one (audited)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from portal.db.orders import OrderEvent
from portal.db.outbox import OutboxMessage
from portal.domain.orders import service
from tests.helpers import (
    approve_as,
    as_staff,
    csrf_token,
    customer_actor,
    make_customer,
    make_order,
    make_staff,
    sign_in,
    text_of,
)


async def _approved_order(db, *, price=Decimal("60000")):
    buyer = await make_customer(db)
    reviewer = await make_staff(db, "reviewer")
    approver = await make_staff(db, "approver")
    order = await make_order(db, customer=buyer, unit_price=price)
    await service.submit(db, customer_actor(buyer), order)
    await approve_as(db, reviewer, order, note="credit checked")
    await approve_as(db, approver, order, note="margin ok")
    await db.commit()
    return buyer, reviewer, approver, order


async def test_staff_timeline_shows_every_event_with_actors(client, db):
    buyer, reviewer, approver, order = await _approved_order(db)
    staff = await make_staff(db, "sales")
    await sign_in(client, staff.email, staff=True)
    page = text_of((await client.get(f"/staff/orders/{order.number}")).text)
    for words in (
        "Order placed",
        "Review passed; sent for approval",
        reviewer.name,
        "credit checked",
        approver.name,
        "margin ok",
        "Approved; order confirmation sent to the customer",
        "waiting for the customer to confirm",  # the badge, in the staff voice
    ):
        assert words in page, words
    assert "your confirmation" not in page and "waiting for you" not in page  # not the buyer's voice


async def test_customer_timeline_is_the_public_subset(client, db):
    buyer, reviewer, approver, order = await _approved_order(db)
    await sign_in(client, buyer.email)
    page = text_of((await client.get(f"/orders/{order.number}")).text)
    assert "Order received" in page and "Reviewed: the order confirmation is waiting for you" in page
    for internal in ("Approved", reviewer.name, approver.name, "credit checked", "margin ok"):
        assert internal not in page, internal


async def test_staff_see_notifications_and_resend_one(client, db):
    buyer, _, _, order = await _approved_order(db)
    staff = await make_staff(db, "sales")
    await sign_in(client, staff.email, staff=True)
    page = text_of((await client.get(f"/staff/orders/{order.number}")).text)
    assert buyer.email in page and "waiting to be sent" in page and "Resend" in page
    first = await db.scalar(select(OutboxMessage).order_by(OutboxMessage.id).limit(1))
    token = await csrf_token(client, "/staff/login")
    r = await client.post(
        f"/staff/orders/{order.number}/notifications/{first.id}/resend",
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    copies = (await db.scalars(select(OutboxMessage).where(OutboxMessage.template == first.template))).all()
    assert len(copies) == 2 and copies[0].message_id != copies[1].message_id
    audit = await db.scalar(select(OrderEvent).where(OrderEvent.action == "notification_resent"))
    assert audit.actor_id == staff.id and audit.public is False and audit.data["outbox_id"] == first.id


async def test_resend_of_another_orders_message_is_not_found(client, db):
    _, _, _, order = await _approved_order(db)
    _, _, _, other = await _approved_order(db)
    msg = await db.scalar(select(OutboxMessage).where(OutboxMessage.order_id == other.id).limit(1))
    staff, token = await as_staff(client, db, "sales")
    r = await client.post(
        f"/staff/orders/{order.number}/notifications/{msg.id}/resend", data={"_csrf_token": token}
    )
    assert r.status_code == 404
