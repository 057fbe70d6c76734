"""Every order page, list page and the tracking page costs the same number of SQL statements
whether the order has 2 or 20 lines, events and shipments, or the list 2 or 20 rows.

The staff hot pages cost exactly one statement each (the session and the staff member come from
Redis, not SQL): the review queue, the staff order list, and the clerk's order page, in review or
not. The buyer's pages, for comparison: ``/orders`` one, ``/orders/{number}`` two (the order and
its invoices; a backorder offer adds its own reads).
"""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from itertools import count

from portal import clock
from portal.auth.tracking_links import TrackingLinks
from portal.db.aftersales import AftersalesCase
from portal.db.catalog import Product
from portal.db.customers import CustomerAccount
from portal.db.fulfilment import Carrier, CarrierEvent, LogisticsCase, Package, Shipment, ShipmentLine
from portal.db.orders import Order, OrderEvent, OrderLine
from portal.db.outbox import OutboxMessage
from portal.domain.orders import cart
from portal.domain.orders.pricing import PricePolicy
from tests.fulfilment_helpers import confirmed, produce
from tests.helpers import (
    StatementCounter,
    an_address,
    customer_actor,
    make_account,
    make_customer,
    make_product,
    make_staff,
    product_line,
    sign_in,
)

_seq = count(1)


async def _add_lines(db, order: Order, n: int) -> list[OrderLine]:  # noqa: ANN001
    """``n`` more lines, each of its own product, none of them in stock yet."""
    lines = []
    for _ in range(n):
        product: Product = await make_product(db)
        line = product_line(order, product, 2, allocation="backordered")
        db.add(line)
        lines.append(line)
    await db.flush()
    return lines


def _add_events(db, order: Order, n: int) -> None:  # noqa: ANN001
    """``n`` public and ``n`` staff-only events on the timeline."""
    for i in range(n):
        by = {"actor_kind": "staff", "actor_name": f"Clerk {i}", "role": "sales"}
        unchanged = {"from_state": order.status, "to_state": order.status}
        on = {"order_id": order.id, **by, **unchanged}
        db.add(OrderEvent(**on, action="milestone", public=True, data={"milestone": "planned"}))
        db.add(OrderEvent(**on, action="claimed", public=False, data={"previous": None}))


async def _add_shipments(db, order: Order, lines: list[OrderLine], n: int) -> None:  # noqa: ANN001
    """``n`` shipments, each with a line, a carrier event, a package, a case and a notification."""
    for line in lines[:n]:
        i = next(_seq)
        shipment = Shipment(
            order_id=order.id, carrier_code="acme", tracking_number=f"AC{order.id}-{i}", shipped_by="x"
        )
        db.add(shipment)
        await db.flush()
        db.add(ShipmentLine(shipment_id=shipment.id, order_line_id=line.id, quantity=1))
        db.add(
            CarrierEvent(
                shipment_id=shipment.id,
                carrier_code="acme",
                event_id=f"e{order.id}-{i}",
                status="in_transit",
                occurred_at=clock.now(),
                location="Suzhou",
            )
        )
        db.add(LogisticsCase(order_id=order.id, shipment_id=shipment.id, kind="delayed", note="late"))
        contents = [{"line_id": line.id, "sku": line.sku, "quantity": 1}]
        db.add(Package(order_id=order.id, position=i + 1, weight_kg="1", contents=contents))
        db.add(
            OutboxMessage(
                template="order_shipped",
                recipient="buyer@example.com",
                order_id=order.id,
                message_id=f"<m{order.id}-{i}@test>",
                subject="Shipped",
            )
        )


async def _grow(db, order: Order, n: int) -> None:  # noqa: ANN001
    """The order gains ``n`` lines, events and shipments (with everything hanging off them)."""
    lines = await _add_lines(db, order, n)
    _add_events(db, order, n)
    await _add_shipments(db, order, lines, n)
    await db.commit()


async def _shipped_order(db) -> tuple:  # noqa: ANN001
    """A confirmed, produced order set to partially shipped, so every panel of its pages is shown."""
    db.add(Carrier(code="acme", name="Acme Express", webhook_secret="s" * 32))
    buyer, order = await confirmed(db)
    await produce(db, order)
    order = await db.get(Order, order.id, populate_existing=True)
    order.status = "partially_shipped"
    order.shipping_address = {"recipient": "Li", "city": "Suzhou", "street": "Xinghu St 9"}
    await db.commit()
    return buyer, order


async def _count(client, path: str) -> int:  # noqa: ANN001
    with StatementCounter(client.app) as counter:
        r = await client.get(path)
        assert r.status_code == 200, path
    return counter.count


async def _constant(client, db, order: Order, path: str) -> int:  # noqa: ANN001
    """The page at ``path`` costs the same with 2 and with 20 lines, events and shipments: how much."""
    await _grow(db, order, 2)
    few = await _count(client, path)
    await _grow(db, order, 18)
    many = await _count(client, path)
    assert few == many, (path, few, many)
    return many


async def test_the_customer_order_page_costs_the_same_however_large_the_order(client, db):
    buyer, order = await _shipped_order(db)
    await sign_in(client, buyer.email)
    await _constant(client, db, order, f"/orders/{order.number}")


async def test_the_customer_order_page_costs_one_statement(client, db):
    buyer, order = await _shipped_order(db)
    await sign_in(client, buyer.email)
    assert await _count(client, f"/orders/{order.number}") == 1


async def _fill_cart(db, buyer, n: int) -> None:  # noqa: ANN001
    """``n`` more lines in the buyer's cart, one of them of a product no longer sold."""
    actor, policy = (
        customer_actor(buyer),
        PricePolicy(Decimal("0.13"), Decimal("200.00"), Decimal("10000.00")),
    )
    products = [await make_product(db) for _ in range(n)]
    for product in products:
        await cart.add_line(db, actor, line=cart.LineInput(0, product.sku, 2, {}), policy=policy)
    products[0].is_active = False
    await db.commit()


async def test_the_cart_costs_one_statement_with_2_and_20_lines(client, db):
    buyer = await make_customer(db)
    await sign_in(client, buyer.email)
    await _fill_cart(db, buyer, 2)
    few = await _count(client, "/cart")
    await _fill_cart(db, buyer, 18)
    many = await _count(client, "/cart")
    assert few == many == 1
    page = (await client.get("/cart")).text
    assert page.count('class="field-error"') == 2  # each lot's product no longer sold, told beside its line


async def test_the_staff_order_page_costs_one_statement_however_large_the_order(client, db):
    _, order = await _shipped_order(db)
    staff = await make_staff(db, "admin")
    await sign_in(client, staff.email, staff=True)
    assert await _constant(client, db, order, f"/staff/orders/{order.number}") == 1


async def _submitted_order(db, buyer, **kw) -> Order:  # noqa: ANN001
    """An order of ``buyer`` submitted on the web just now, with its number and no lines (flushed)."""
    order = Order(
        account_id=buyer.account_id,
        contact_user_id=buyer.id,
        status="submitted",
        channel="web",
        submitted_at=clock.now(),
        **kw,
    )
    db.add(order)
    await db.flush()
    order.number = f"SO-2026-{order.id:06d}"
    return order


async def test_the_staff_order_page_in_review_costs_one_statement_however_large_the_order(client, db):
    buyer = await make_customer(db)
    db.add(Carrier(code="acme", name="Acme Express", webhook_secret="s" * 32))
    db.add(
        an_address(
            buyer.account_id, label="Plant", country="CN", recipient="Li", city="Suzhou", street="Xinghu St 9"
        )
    )
    order = await _submitted_order(db, buyer, requested_delivery_date=clock.today() + timedelta(days=30))
    await db.commit()
    staff = await make_staff(db, "reviewer")
    await sign_in(client, staff.email, staff=True)
    page = f"/staff/orders/{order.number}"
    assert "Automatic checks" in (await client.get(page, headers={"accept-language": "en"})).text
    assert await _constant(client, db, order, page) == 1


async def test_the_tracking_page_costs_the_same_however_large_the_order(client, db, settings):
    _, order = await _shipped_order(db)
    links = TrackingLinks(settings.secret_key, ttl_days=settings.tracking_link_days)
    await _constant(client, db, order, links.path(order.id, order.tracking_link_version))


async def _grow_admin_lists(db, n: int) -> None:  # noqa: ANN001
    """``n`` more customer accounts (each with a buyer), products and staff members."""
    for _ in range(n):
        account: CustomerAccount = await make_account(db)
        await make_customer(db, account=account)
        await make_product(db)
        await make_staff(db, "sales")


async def test_the_admin_lists_cost_the_same_with_2_and_20_rows(client, db):
    admin = await make_staff(db, "admin")
    await sign_in(client, admin.email, staff=True)
    paths = ("/staff/admin/accounts", "/staff/admin/products", "/staff/admin/users", "/staff/admin/audit")
    await _grow_admin_lists(db, 2)
    few = {p: await _count(client, p) for p in paths}
    await _grow_admin_lists(db, 18)
    many = {p: await _count(client, p) for p in paths}
    assert few == many


async def _submitted(db, n: int) -> None:  # noqa: ANN001
    """``n`` more orders waiting for review, each of a new account with a buyer, and a staff member."""
    for _ in range(n):
        await _submitted_order(db, await make_customer(db, account=await make_account(db)))
        await make_staff(db, "sales")
    await db.commit()


STAFF_LISTS = (
    "/staff/review",
    "/staff/review?assignee=none&channel=web&min_total=0&max_total=1000000",
    "/staff/orders",
    "/staff/orders?state=all&q=SO-&assignee=me&from=2020-01-01&to=2099-12-31",
)


async def test_the_staff_lists_cost_one_statement_with_2_and_30_rows(client, db):
    staff = await make_staff(db, "admin", "reviewer")
    await sign_in(client, staff.email, staff=True)
    await _submitted(db, 2)
    few = {p: await _count(client, p) for p in STAFF_LISTS}
    await _submitted(db, 28)  # more than a page
    many = {p: await _count(client, p) for p in STAFF_LISTS}
    assert few == many == dict.fromkeys(STAFF_LISTS, 1)
    for path in ("/staff/review", "/staff/orders?state=all"):  # the next page, through the cursor
        after = re.search(r"after=([\w=%-]+)", (await client.get(path)).text)
        assert after, path
        assert await _count(client, f"{path}{'&' if '?' in path else '?'}after={after.group(1)}") == 1


async def _add_aftersales_cases(db, order: Order, staff_id: int, n: int) -> None:  # noqa: ANN001
    """``n`` receipt cases and ``n`` complaint tickets of ``order``, claimed by ``staff_id``."""
    for kind in ("receipt", "complaint"):
        for _ in range(n):
            db.add(
                AftersalesCase(
                    number=f"AS-2026-8{next(_seq):05d}",
                    kind=kind,
                    account_id=order.account_id,
                    order_id=order.id,
                    opened_by_kind="customer",
                    assignee_staff_id=staff_id,
                    subject="Scratched",
                    first_response_due_at=clock.now() - timedelta(hours=1),
                )
            )
    await db.commit()


async def test_the_aftersales_queue_costs_one_statement_with_2_and_20_cases_of_each_kind(client, db):
    staff = await make_staff(db, "aftersales")
    _buyer, order = await _shipped_order(db)
    await _grow(db, order, 2)  # two delivery exceptions
    await _add_aftersales_cases(db, order, staff.id, 2)
    await sign_in(client, staff.email, staff=True)
    paths = ("/staff/aftersales", "/staff/aftersales?state=all&overdue=1&assignee=me&customer=Account")
    few = [await _count(client, p) for p in paths]
    await _grow(db, order, 18)
    await _add_aftersales_cases(db, order, staff.id, 18)
    assert [await _count(client, p) for p in paths] == few == [1, 1]
    after = re.search(r"after=([\w=%-]+)", (await client.get(paths[0])).text)
    assert after and await _count(client, f"{paths[0]}?after={after.group(1)}") == 1
