"""Closing settled orders: only completed, fully invoiced, paid orders with nothing open close, once,
by the settlement cron or by finance's button; each condition missing is named."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from portal import clock
from portal.db.engine import make_sessionmaker
from portal.db.fulfilment import LogisticsCase, Shipment
from portal.db.orders import Order, OrderEvent
from portal.domain.billing import closing
from portal.domain.billing.credit_notes import issue_credit_note
from portal.domain.orders import service
from portal.domain.orders.actors import Actor
from portal.workers.settings import close_settled_orders
from tests.billing_helpers import shipped_in_three
from tests.helpers import as_staff, make_staff, place_orders, staff_actor, text_of
from tests.settlement_helpers import pay


async def _completed(db):  # noqa: ANN001, ANN202
    """The odd order shipped in three parts (three invoices), delivered and completed; committed."""
    buyer, order, issued = await shipped_in_three(db)
    order = await db.get(Order, order.id, populate_existing=True)
    system = Actor.system("settlement")
    await service.deliver(db, system, order)
    await service.complete(db, system, order)
    await db.commit()
    return buyer, order, issued


async def _pay_in_full(db, buyer, invoices) -> None:  # noqa: ANN001
    total = sum((i.total for i in invoices), Decimal("0"))
    await pay(
        db,
        buyer.account_id,
        str(total),
        received_on=clock.today(),
        to=tuple((i, str(i.total)) for i in invoices),
    )


async def _closes(db, order) -> int:  # noqa: ANN001
    return await db.scalar(
        select(func.count()).where(OrderEvent.order_id == order.id, OrderEvent.action == "close")
    )


async def test_an_order_closes_only_when_everything_is_settled(db, engine):
    buyer, order, issued = await _completed(db)
    [uninvoiced] = await place_orders(db, buyer, 1, status="completed")  # completed, never invoiced
    ctx = {"sessionmaker": make_sessionmaker(engine)}
    assert await close_settled_orders(ctx) == 0
    assert await closing.blockers(db, order.id) == {"close_paid": closing.NOT_PAID}
    assert await closing.blockers(db, uninvoiced.id) == {"close_invoiced": closing.NOT_INVOICED}

    # two invoices paid, the third credited in part and paid for the rest: settled
    await _pay_in_full(db, buyer, issued[:2])
    finance = staff_actor(await make_staff(db, "finance"))
    await issue_credit_note(db, issued[2], amount=Decimal("10.00"), reason="Allowance", actor=finance)
    rest = issued[2].total - Decimal("10.00")
    await pay(db, buyer.account_id, str(rest), received_on=clock.today(), to=((issued[2], str(rest)),))
    # but a delivery exception is still open
    shipment_id = await db.scalar(select(Shipment.id).where(Shipment.order_id == order.id).limit(1))
    case = LogisticsCase(order_id=order.id, shipment_id=shipment_id, kind="damaged")
    db.add(case)
    await db.commit()
    assert await close_settled_orders(ctx) == 0
    assert await closing.blockers(db, order.id) == {"close_case": closing.OPEN_CASE}

    case.resolved_at, case.resolution = clock.now(), "Replaced"
    await db.commit()
    assert await closing.blockers(db, order.id) == {}
    assert await close_settled_orders(ctx) == 1
    assert await close_settled_orders(ctx) == 0  # a second run finds nothing left
    closed = await db.get(Order, order.id, populate_existing=True)
    assert closed.status == "closed" and await _closes(db, order) == 1
    event = await db.scalar(
        select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.action == "close")
    )
    assert (event.actor_kind, event.actor_name, event.from_state) == ("system", closing.CLOSER, "completed")
    assert (await db.get(Order, uninvoiced.id, populate_existing=True)).status == "completed"


async def test_finance_closes_by_hand_once_it_is_settled(client, db):
    buyer, order, issued = await _completed(db)
    _, token = await as_staff(client, db, "finance")
    url = f"/staff/orders/{order.number}"
    page = await client.get(url)
    assert "Close the order" in page.text and f"{url}/archive.zip" in page.text
    assert closing.NOT_PAID in text_of(page.text)

    refused = await client.post(f"{url}/close", data={"_csrf_token": token, "version": str(order.version)})
    assert refused.status_code == 422 and closing.NOT_PAID in text_of(refused.text)
    assert (await db.get(Order, order.id, populate_existing=True)).status == "completed"

    await _pay_in_full(db, buyer, issued)
    await db.commit()
    order = await db.get(Order, order.id, populate_existing=True)
    stale = await client.post(f"{url}/close", data={"_csrf_token": token, "version": str(order.version - 1)})
    assert stale.status_code == 409
    done = await client.post(
        f"{url}/close", data={"_csrf_token": token, "version": str(order.version)}, follow_redirects=False
    )
    assert done.status_code == 303
    order = await db.get(Order, order.id, populate_existing=True)
    assert order.status == "closed" and await _closes(db, order) == 1
    event = await db.scalar(
        select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.action == "close")
    )
    assert event.actor_kind == "staff" and event.role == "finance"
    # closed: no button any more, and closing again is refused
    assert "Close the order" not in (await client.get(url)).text
    again = await client.post(f"{url}/close", data={"_csrf_token": token, "version": str(order.version)})
    assert again.status_code == 409


async def test_finance_cannot_close_by_hand_while_a_delivery_exception_is_open(client, db):
    buyer, order, issued = await _completed(db)
    await _pay_in_full(db, buyer, issued)
    shipment_id = await db.scalar(select(Shipment.id).where(Shipment.order_id == order.id).limit(1))
    db.add(LogisticsCase(order_id=order.id, shipment_id=shipment_id, kind="lost"))
    await db.commit()
    _, token = await as_staff(client, db, "finance")
    url = f"/staff/orders/{order.number}"
    assert closing.OPEN_CASE in text_of((await client.get(url)).text)  # named beside the button

    order = await db.get(Order, order.id, populate_existing=True)
    refused = await client.post(f"{url}/close", data={"_csrf_token": token, "version": str(order.version)})
    assert refused.status_code == 422 and closing.OPEN_CASE in text_of(refused.text)
    assert closing.NOT_PAID not in text_of(refused.text)  # paid in full: only the case holds it
    assert (await db.get(Order, order.id, populate_existing=True)).status == "completed"
    assert await _closes(db, order) == 0
