"""The rest of an order after an early partial shipment: produced, inspected, packed, then shipped."""

from __future__ import annotations

from sqlalchemy import select

from portal.db.catalog import Product
from portal.db.fulfilment import Carrier
from portal.db.orders import Order, OrderEvent, OrderLine
from portal.db.outbox import OutboxMessage
from portal.domain.errors import ValidationFailed
from portal.domain.fulfilment import production, shipping
from portal.domain.orders import backorder
from tests.fulfilment_helpers import confirmed, customer_actor, pack_rest, produce, staff_actor
from tests.helpers import csrf_token, make_staff, sign_in, text_of

LAST_WAITS = "Finish production, QC and packing before the last shipment."


async def _line(db, order) -> OrderLine:
    return await db.scalar(
        select(OrderLine).where(OrderLine.order_id == order.id).execution_options(populate_existing=True)
    )


async def _order(db, order) -> Order:
    return await db.get(Order, order.id, populate_existing=True)


async def _staff(client, db) -> str:
    """One person of production and logistics, signed in; the CSRF token of the session."""
    db.add(Carrier(code="acme", name="Acme Express", webhook_secret="s"))
    await db.commit()
    user = await make_staff(db, "production", "logistics")
    await sign_in(client, user.email, staff=True)
    return await csrf_token(client, "/staff/login")


async def _started(db, order) -> None:
    """Production started (the plan recorded): the order is in production."""
    actor = staff_actor(await make_staff(db, "production"))
    await production.record_milestone(db, actor, order, production.MilestoneReport("planned"))
    await db.commit()


async def _post(client, db, order, token, path, **fields):
    version = (await _order(db, order)).version
    data = {"_csrf_token": token, "version": str(version), **{k: str(v) for k, v in fields.items()}}
    return await client.post(f"/staff/orders/{order.number}/{path}", data=data, follow_redirects=False)


async def _ship(client, db, order, token, tracking, qty):
    line = await _line(db, order)
    return await _post(
        client,
        db,
        order,
        token,
        "shipments",
        carrier="acme",
        tracking_number=tracking,
        **{f"qty_{line.id}": qty},
    )


async def test_after_an_early_part_the_rest_is_produced_inspected_and_packed(client, db):
    _, order = await confirmed(db, quantity=10, product_kw={"stock_on_hand": 10})
    await _started(db, order)
    token = await _staff(client, db)
    assert (await _ship(client, db, order, token, "EARLY-1", 4)).status_code == 303
    assert (await _order(db, order)).status == "partially_shipped"
    # the rest cannot leave before it is produced, inspected and packed
    r = await _ship(client, db, order, token, "LAST-1", 6)
    assert r.status_code == 422 and LAST_WAITS in r.text

    for step in (
        {"milestone": "materials_ready", "done": "on"},
        {"milestone": "in_production", "done": "on"},
    ):
        assert (await _post(client, db, order, token, "production", **step)).status_code == 303
    assert (await _post(client, db, order, token, "qc", result="pass")).status_code == 303
    r = await _ship(client, db, order, token, "LAST-1", 6)
    assert r.status_code == 422 and LAST_WAITS in r.text  # inspected, not packed yet

    line = await _line(db, order)
    page = (await client.get(f"/staff/orders/{order.number}")).text
    assert f'name="pack_{line.id}" type="number" min="0" max="6" value="6"' in page  # 4 left unpacked
    r = await _post(client, db, order, token, "pack", **{f"pack_{line.id}": 7, "weight_kg": "5"})
    assert r.status_code == 422 and "At most the quantity still to pack." in r.text
    r = await _post(
        client, db, order, token, "pack", **{f"pack_{line.id}": 6, "weight_kg": "5", "done": "on"}
    )
    assert r.status_code == 303
    assert (await _order(db, order)).status == "partially_shipped"
    assert (await production.load_rows(db, order.id))["packed"].actual_date is not None

    assert (await _ship(client, db, order, token, "LAST-1", 6)).status_code == 303
    assert (await _order(db, order)).status == "shipped" and (await _line(db, order)).shipped_qty == 10
    events = (
        await db.execute(
            select(OrderEvent.action, OrderEvent.from_state, OrderEvent.to_state)
            .where(OrderEvent.order_id == order.id, OrderEvent.from_state != OrderEvent.to_state)
            .order_by(OrderEvent.id)
        )
    ).all()
    assert [tuple(e) for e in events][-3:] == [
        ("start_production", "confirmed", "in_production"),
        ("ship_partial", "in_production", "partially_shipped"),
        ("ship_full", "partially_shipped", "shipped"),
    ]
    ready = await db.scalar(
        select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.action == "ready_to_ship")
    )
    assert (ready.from_state, ready.to_state) == ("partially_shipped", "partially_shipped")
    mails = (
        await db.scalars(
            select(OutboxMessage).where(OutboxMessage.template == "order_shipped").order_by(OutboxMessage.id)
        )
    ).all()
    assert [m.context["tracking_number"] for m in mails] == ["EARLY-1", "LAST-1"]
    assert mails[0].context["remaining"] == f"{line.sku} × 6" and mails[1].context["remaining"] == ""


async def test_made_to_order_goods_do_not_leave_before_inspection(client, db):
    _, order = await confirmed(db, quantity=4, product_kw={"made_to_order": True, "stock_on_hand": 0})
    await _started(db, order)
    token = await _staff(client, db)
    r = await _ship(client, db, order, token, "MTO-1", 1)
    assert r.status_code == 422 and "Made-to-order goods ship after their inspection and packing." in r.text
    assert (await _order(db, order)).status == "in_production"
    await produce(db, order)
    await pack_rest(db, order)
    assert (await _ship(client, db, order, token, "MTO-1", 4)).status_code == 303
    assert (await _order(db, order)).status == "shipped"


async def test_the_last_shipment_waits_also_when_shipped_in_parts_before(db):
    """Through the domain: nothing of the rest leaves unpacked, however the parts are cut."""
    _, order = await confirmed(db, quantity=3, product_kw={"stock_on_hand": 3})
    await _started(db, order)
    db.add(Carrier(code="acme", name="Acme Express", webhook_secret="s"))
    await db.commit()
    actor = staff_actor(await make_staff(db, "logistics"))
    line = await _line(db, order)
    for n in (1, 2):
        await shipping.ship(
            db,
            actor,
            await _order(db, order),
            carrier_code="acme",
            tracking_number=f"P{n}",
            quantities={line.id: 1},
        )
        await db.commit()
    try:
        await shipping.ship(
            db,
            actor,
            await _order(db, order),
            carrier_code="acme",
            tracking_number="P3",
            quantities={line.id: 1},
        )
    except ValidationFailed as exc:
        assert exc.errors["lines"] == LAST_WAITS
    else:
        raise AssertionError("the last unit shipped without QC and packing")
    order_id = order.id
    await db.rollback()
    assert await db.scalar(select(Order.status).where(Order.id == order_id)) == "partially_shipped"


async def test_a_partial_shipment_choice_ships_the_stock_now_and_the_rest_later(client, db):
    buyer, order = await confirmed(db, quantity=5, product_kw={"stock_on_hand": 2, "category": "valves"})
    await _started(db, order)
    token = await _staff(client, db)
    line = await _line(db, order)
    # not answered yet: the clerk cannot split the order on the buyer's behalf
    r = await _ship(client, db, order, token, "BO-1", 2)
    assert r.status_code == 422 and "The customer has not accepted a partial shipment" in r.text

    await backorder.choose(db, customer_actor(buyer), await _order(db, order), choice="partial")
    await db.commit()
    page = (await client.get(f"/staff/orders/{order.number}")).text
    assert f'name="qty_{line.id}" type="number" min="0" max="5" value="2"' in page  # the stock is offered
    assert "what is in stock ships now, the rest when it arrives" in text_of(page)
    r = await _ship(client, db, order, token, "BO-1", 3)
    assert r.status_code == 422 and "Only 2 of this line are in stock to ship." in text_of(r.text)
    assert (await _ship(client, db, order, token, "BO-1", 2)).status_code == 303
    mail = await db.scalar(select(OutboxMessage).where(OutboxMessage.template == "order_shipped"))
    assert mail.context["status"] == "partially_shipped" and mail.context["remaining"] == f"{line.sku} × 3"

    # the rest arrives: it is produced, inspected and packed, then ships, taken from the new stock
    product = await db.get(Product, line.product_id, populate_existing=True)
    product.stock_on_hand = 3
    await db.commit()
    await produce(db, order)
    await pack_rest(db, order)
    assert (await _ship(client, db, order, token, "BO-2", 3)).status_code == 303
    assert (await _order(db, order)).status == "shipped"
    line = await _line(db, order)
    assert (line.shipped_qty, line.reserved_qty, line.allocation) == (5, 5, "reserved")
    assert (await db.get(Product, line.product_id, populate_existing=True)).stock_on_hand == 0
