"""The account's orders: every user sees them; filters, search, keyset pages, a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from portal.db.customers import CustomerAccount
from portal.db.orders import Order, OrderLine
from portal.domain.orders import pricing
from tests.helpers import StatementCounter, make_customer, make_product, sign_in, text_of


async def _placed(
    db, user, n: int, *, product=None, start=datetime(2026, 3, 1, tzinfo=UTC), status="submitted"
):
    product = product or await make_product(db)
    orders = []
    for i in range(n):
        order = Order(
            account_id=user.account_id,
            contact_user_id=user.id,
            status=status,
            submitted_at=start + timedelta(hours=i),
        )
        db.add(order)
        orders.append(order)
    await db.flush()
    for order in orders:
        order.number = f"SO-2026-{order.id:06d}"
        line = OrderLine(
            order_id=order.id,
            product_id=product.id,
            sku=product.sku,
            name_zh="x",
            name_en="x",
            quantity=1,
            unit_price=product.list_price,
            line_total=product.list_price,
        )
        db.add(line)
        pricing.apply_totals(order, [line])
    await db.commit()
    return orders


async def test_every_user_of_the_account_sees_its_orders_and_no_others(client, db):
    alice = await make_customer(db)
    bob = await make_customer(db, account=await db.get(CustomerAccount, alice.account_id))
    stranger = await make_customer(db)
    mine = await _placed(db, alice, 2)
    theirs = await _placed(db, stranger, 1)
    await sign_in(client, bob.email)
    page = text_of((await client.get("/orders")).text)
    assert all(o.number in page for o in mine) and theirs[0].number not in page


async def test_filters_and_search(client, db):
    user = await make_customer(db)
    pump = await make_product(db, sku="PUMP-77")
    early = await _placed(db, user, 3, start=datetime(2026, 1, 10, tzinfo=UTC))
    late = await _placed(db, user, 2, product=pump, start=datetime(2026, 2, 20, tzinfo=UTC), status="shipped")
    await sign_in(client, user.email)
    page = text_of((await client.get("/orders?status=shipped")).text)
    assert all(o.number in page for o in late) and not any(o.number in page for o in early)
    page = text_of((await client.get("/orders?q=pump-77")).text)
    assert all(o.number in page for o in late) and not any(o.number in page for o in early)
    page = text_of((await client.get(f"/orders?q={early[0].number}")).text)
    assert early[0].number in page and early[1].number not in page
    page = text_of((await client.get("/orders?from_date=2026-02-01&to_date=2026-02-28")).text)
    assert all(o.number in page for o in late) and not any(o.number in page for o in early)
    r = await client.get("/orders?status=shipped", headers={"hx-request": "true"})
    assert "<html" not in r.text and late[0].number in r.text


async def test_keyset_pages_cover_everything_once(client, db):
    user = await make_customer(db)
    orders = await _placed(db, user, 45)
    await sign_in(client, user.email)
    seen, url = [], "/orders"
    while url:
        html = (await client.get(url)).text
        seen += [n for n in (o.number for o in orders) if f">{n}<" in html]
        url = (
            "/orders?" + html.split('href="/orders?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
            if 'class="pager"' in html
            else None
        )
    assert sorted(seen) == sorted(o.number for o in orders) and len(seen) == 45


async def test_the_list_costs_the_same_number_of_queries_with_10_and_200_orders(client, db):
    user = await make_customer(db)
    await sign_in(client, user.email)
    await _placed(db, user, 10)
    with StatementCounter(client.app) as small:
        assert (await client.get("/orders")).status_code == 200
    await _placed(db, user, 190, start=datetime(2026, 6, 1, tzinfo=UTC))
    with StatementCounter(client.app) as large:
        assert (await client.get("/orders")).status_code == 200
    assert small.count == large.count
