"""Backorder choices, receipt confirmation and automatic completion after delivery."""

from __future__ import annotations

from datetime import timedelta

from babel.dates import format_date
from sqlalchemy import select

from portal import clock
from portal.db.orders import Order, OrderEvent, OrderLine
from portal.db.outbox import OutboxMessage
from portal.domain.fulfilment import production
from portal.domain.notifications.render import EmailRenderer
from portal.domain.orders import autocomplete
from portal.jinja import make_environment
from tests.fulfilment_helpers import confirmed, staff_actor, stock_of
from tests.helpers import csrf_token, make_customer, make_product, make_staff, post_form, sign_in, text_of


async def test_backorder_choice_wait_is_recorded(client, db):
    buyer, order = await confirmed(db, quantity=5, product_kw={"stock_on_hand": 1, "category": "valves"})
    await sign_in(client, buyer.email)
    page = text_of((await client.get(f"/orders/{order.number}")).text)
    assert "Items on backorder" in page and "4 of 5 missing" in page
    choose = f"/orders/{order.number}/backorder-choice"
    token = await csrf_token(client)
    r = await post_form(client, choose, token, choice="maybe")
    assert r.status_code == 422
    r = await post_form(client, choose, token, choice="wait")
    assert r.status_code == 303
    fresh = await db.get(Order, order.id, populate_existing=True)
    assert fresh.backorder_choice == "wait" and fresh.backorder_choice_at is not None
    assert await db.scalar(select(OrderEvent.id).where(OrderEvent.action == "backorder_choice"))


async def test_a_substitute_replaces_the_backordered_line(client, db):
    buyer, order = await confirmed(db, quantity=3, product_kw={"stock_on_hand": 0, "category": "valves"})
    other = await make_product(db, category="valves", stock_on_hand=10)
    await sign_in(client, buyer.email)
    assert other.sku in (await client.get(f"/orders/{order.number}")).text
    choose = f"/orders/{order.number}/backorder-choice"
    token = await csrf_token(client)
    r = await post_form(client, choose, token, choice="substitute", substitute_sku="NOT-OFFERED")
    assert r.status_code == 422
    r = await post_form(client, choose, token, choice="substitute", substitute_sku=other.sku)
    assert r.status_code == 303
    line = await db.scalar(
        select(OrderLine).where(OrderLine.order_id == order.id).execution_options(populate_existing=True)
    )
    assert (line.sku, line.allocation, line.reserved_qty) == (other.sku, "reserved", 3)
    assert await stock_of(db, other.id) == 7


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


def _day(value) -> str:  # noqa: ANN001
    return format_date(value, format="medium", locale="en")


async def test_if_you_wait_the_date_is_the_short_products_lead_time(client, db):
    # promised in 20 days; the short product comes in 12: the buyer reads the shortage's date, not the promise
    buyer, order = await confirmed(db, quantity=5, product_kw={"stock_on_hand": 1, "lead_time_days": 12})
    wait = clock.today() + timedelta(days=12)
    mail = await db.scalar(select(OutboxMessage).where(OutboxMessage.template == "backorder"))
    assert mail.context["wait_date"] == wait.isoformat()
    rendered = EmailRenderer(make_environment(), base_url="https://portal.example").render(
        "backorder", locale="en", context=mail.context
    )
    assert f"If you wait for them, we expect to deliver by {_day(wait)}." in rendered.text
    await sign_in(client, buyer.email)
    page = text_of((await client.get(f"/orders/{order.number}")).text)
    assert f"If you wait, we expect to deliver by {_day(wait)}." in page


async def test_a_production_plan_does_not_hide_the_shortage(client, db):
    buyer = await make_customer(db, milestones=True)
    buyer, order = await confirmed(
        db, quantity=5, product_kw={"stock_on_hand": 1, "lead_time_days": 40}, buyer=buyer
    )
    actor = staff_actor(await make_staff(db, "production"))
    plan = production.MilestoneReport("planned", planned={"packed": clock.today() + timedelta(days=5)})
    await production.record_milestone(db, actor, order, plan)
    await db.commit()
    shortage_ends = clock.today() + timedelta(days=40)
    mail = await db.scalar(select(OutboxMessage).where(OutboxMessage.template == "production_milestone"))
    assert mail.context["delivery_estimate"] == shortage_ends.isoformat()
    await sign_in(client, buyer.email)
    page = text_of((await client.get(f"/orders/{order.number}")).text)
    assert f"Current delivery estimate: {_day(shortage_ends)}" in page


async def test_substitutes_are_sold_in_the_same_unit_and_category(client, db):
    buyer, order = await confirmed(db, quantity=3, product_kw={"stock_on_hand": 0, "category": "valves"})
    metres = await make_product(db, category="valves", unit="m", stock_on_hand=50)
    pumps = await make_product(db, category="pumps", stock_on_hand=10)
    pieces = await make_product(db, category="valves", stock_on_hand=10)
    await sign_in(client, buyer.email)
    page = (await client.get(f"/orders/{order.number}")).text
    assert pieces.sku in page and metres.sku not in page and pumps.sku not in page
    token = await csrf_token(client)
    r = await client.post(
        f"/orders/{order.number}/backorder-choice",
        data={"_csrf_token": token, "choice": "substitute", "substitute_sku": metres.sku},
    )
    assert r.status_code == 422 and "Choose one of the offered substitute products." in r.text
    line = await db.scalar(
        select(OrderLine).where(OrderLine.order_id == order.id).execution_options(populate_existing=True)
    )
    assert line.sku != metres.sku and line.allocation == "backordered"
