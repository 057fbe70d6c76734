"""The demo data a newcomer meets in `make run`: an order in every state, made by the real service verbs."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.auth.tracking_links import TrackingLinks
from portal.db.customers import CustomerUser
from portal.db.demo import DEMO_PASSWORD, seed_demo
from portal.db.fulfilment import CarrierEvent, Shipment
from portal.db.orders import Order, OrderEvent
from portal.db.outbox import OutboxMessage
from tests.helpers import sign_in

# every state a newcomer should be able to look at (the README lists which demo order shows which)
LIFECYCLE = {
    "submitted",  # in review
    "awaiting_approval",
    "changes_requested",
    "confirmation_sent",  # awaiting the buyer's confirmation
    "confirmed",
    "in_production",
    "ready_to_ship",
    "partially_shipped",
    "shipped",
    "delivered",
    "completed",
    "cancelled",
}


async def test_demo_has_an_order_in_every_state_with_its_history(settings, db):
    # when: the demo data is created on an empty database
    assert await seed_demo(settings.database_url)

    # then: the demo buyer's account has an order in every state of the lifecycle
    buyer = await db.scalar(select(CustomerUser).where(CustomerUser.email == "buyer@example.com"))
    orders = (await db.scalars(select(Order).where(Order.account_id == buyer.account_id))).all()
    assert {o.status for o in orders} >= LIFECYCLE
    assert all(o.number for o in orders)  # no cart left over: the buyer starts with an empty one

    # and: each order's timeline leads, event by event, from the order's receipt to its state
    for order in orders:
        events = (
            await db.scalars(
                select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.to_state != OrderEvent.from_state)
                .order_by(OrderEvent.id)
            )
        ).all()  # fmt: skip
        assert events[0].action == "submit", order.status
        assert all(a.to_state == b.from_state for a, b in zip(events, events[1:], strict=False)), order.status
        assert events[-1].to_state == order.status

    # and: the e-mails of that history wait in the outbox (the dev mailbox shows them once the worker ran)
    mails = await db.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.order_id.is_not(None))
    )
    assert mails >= len(orders)


async def test_demo_shipments_are_tracked_and_the_tracking_link_opens(settings, db, client):
    assert await seed_demo(settings.database_url)
    shipped = (
        await db.scalars(select(Order).where(Order.status.in_(["shipped", "partially_shipped"])))
    ).all()
    assert len(shipped) == 2
    for order in shipped:
        # the carrier has reported the shipment on its way
        shipment = await db.scalar(select(Shipment).where(Shipment.order_id == order.id))
        assert shipment.status == "in_transit"
        assert await db.scalar(
            select(func.count()).select_from(CarrierEvent).where(CarrierEvent.shipment_id == shipment.id)
        )
        # and the tracking link (as e-mailed) opens the public tracking page without signing in
        path = TrackingLinks(settings.secret_key).path(order.id, order.tracking_link_version)
        page = await client.get(path)
        assert page.status_code == 200
        assert order.number in page.text and shipment.tracking_number in page.text


async def test_the_demo_buyer_sees_the_demo_orders_and_a_second_run_changes_nothing(settings, db, client):
    assert await seed_demo(settings.database_url)
    numbers = (await db.scalars(select(Order.number).where(Order.number.is_not(None)))).all()

    assert not await seed_demo(settings.database_url)
    assert await db.scalar(select(func.count()).select_from(Order)) == len(numbers)

    assert (await sign_in(client, "buyer@example.com", DEMO_PASSWORD)).status_code in (302, 303)
    listing = await client.get("/orders")
    assert listing.status_code == 200
    assert all(number in listing.text for number in numbers)
