"""Backorder choices, receipt confirmation and automatic completion after delivery."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal import clock
from portal.db.catalog import Product
from portal.db.orders import Order, OrderEvent, OrderLine
from portal.domain.orders import autocomplete
from tests.fulfilment_helpers import confirmed
from tests.helpers import csrf_token, make_product, sign_in, text_of


async def test_backorder_choice_wait_is_recorded(client, db):
    buyer, order = await confirmed(db, quantity=5, product_kw={"stock_on_hand": 1, "category": "valves"})
    await sign_in(client, buyer.email)
    page = text_of((await client.get(f"/orders/{order.number}")).text)
    assert "Items on backorder" in page and "4 of 5 missing" in page
    token = await csrf_token(client)
    r = await client.post(
        f"/orders/{order.number}/backorder-choice", data={"_csrf_token": token, "choice": "maybe"}
    )
    assert r.status_code == 422
    r = await client.post(
        f"/orders/{order.number}/backorder-choice",
        data={"_csrf_token": token, "choice": "wait"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    fresh = await db.get(Order, order.id, populate_existing=True)
    assert fresh.backorder_choice == "wait" and fresh.backorder_choice_at is not None
    assert await db.scalar(select(OrderEvent.id).where(OrderEvent.action == "backorder_choice"))


async def test_a_substitute_replaces_the_backordered_line(client, db):
    buyer, order = await confirmed(db, quantity=3, product_kw={"stock_on_hand": 0, "category": "valves"})
    other = await make_product(db, category="valves", stock_on_hand=10)
    await sign_in(client, buyer.email)
    assert other.sku in (await client.get(f"/orders/{order.number}")).text
    token = await csrf_token(client)
    r = await client.post(
        f"/orders/{order.number}/backorder-choice",
        data={"_csrf_token": token, "choice": "substitute", "substitute_sku": "NOT-OFFERED"},
    )
    assert r.status_code == 422
    r = await client.post(
        f"/orders/{order.number}/backorder-choice",
        data={"_csrf_token": token, "choice": "substitute", "substitute_sku": other.sku},
        follow_redirects=False,
    )
    assert r.status_code == 303
    line = await db.scalar(
        select(OrderLine).where(OrderLine.order_id == order.id).execution_options(populate_existing=True)
    )
    assert (line.sku, line.allocation, line.reserved_qty) == (other.sku, "reserved", 3)
    assert (
        await db.scalar(
            select(Product.stock_on_hand)
            .where(Product.id == other.id)
            .execution_options(populate_existing=True)
        )
    ) == 7


async def test_delivered_orders_complete_after_n_days(db):
    _, order = await confirmed(db)
    order.status, order.delivered_at = "delivered", clock.now() - timedelta(days=8)
    _, recent = await confirmed(db)
    recent.status, recent.delivered_at = "delivered", clock.now() - timedelta(days=2)
    await db.commit()
    assert await autocomplete.complete_delivered(db, after_days=7) == 1
    await db.commit()
    statuses = dict((await db.execute(select(Order.id, Order.status))).all())
    assert statuses[order.id] == "completed" and statuses[recent.id] == "delivered"
    event = await db.scalar(
        select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.action == "complete")
    )
    assert event.actor_kind == "system"


async def test_customer_confirms_receipt(client, db):
    buyer, order = await confirmed(db)
    order.status = "delivered"
    await db.commit()
    await sign_in(client, buyer.email)
    token = await csrf_token(client)
    r = await client.post(
        f"/orders/{order.number}/receipt",
        data={"_csrf_token": token, "version": str(order.version)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert (await db.scalar(select(Order.status).where(Order.id == order.id))) == "completed"
