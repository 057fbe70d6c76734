"""The account's orders: every user sees them; filters, search, keyset pages, a fixed number of queries."""

from __future__ import annotations

from datetime import UTC, datetime

from portal.db.customers import CustomerAccount
from tests.helpers import StatementCounter, make_customer, make_product, place_orders, sign_in, text_of


async def test_every_user_of_the_account_sees_its_orders_and_no_others(client, db):
    alice = await make_customer(db)
    bob = await make_customer(db, account=await db.get(CustomerAccount, alice.account_id))
    stranger = await make_customer(db)
    mine = await place_orders(db, alice, 2)
    theirs = await place_orders(db, stranger, 1)
    await sign_in(client, bob.email)
    page = text_of((await client.get("/orders")).text)
    assert all(o.number in page for o in mine) and theirs[0].number not in page


async def test_filters_and_search(client, db):
    user = await make_customer(db)
    pump = await make_product(db, sku="PUMP-77")
    early = await place_orders(db, user, 3, start=datetime(2026, 1, 10, tzinfo=UTC))
    late = await place_orders(
        db, user, 2, product=pump, start=datetime(2026, 2, 20, tzinfo=UTC), status="shipped"
    )
    await sign_in(client, user.email)
    page = text_of((await client.get("/orders?status=shipped")).text)
    assert all(o.number in page for o in late) and not any(o.number in page for o in early)
    page = text_of((await client.get("/orders?q=pump-77")).text)
    assert all(o.number in page for o in late) and not any(o.number in page for o in early)
    page = text_of((await client.get(f"/orders?q={early[0].number}")).text)
    assert early[0].number in page and early[1].number not in page
    page = text_of((await client.get("/orders?from_date=2026-02-01&to_date=2026-02-28")).text)
    assert all(o.number in page for o in late) and not any(o.number in page for o in early)
    r = await client.get("/orders?status=shipped", headers={"hx-request": "true", "hx-target": "order-list"})
    assert "<html" not in r.text and late[0].number in r.text


async def test_keyset_pages_cover_everything_once(client, db):
    user = await make_customer(db)
    orders = await place_orders(db, user, 45)
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
    await place_orders(db, user, 10)
    with StatementCounter(client.app) as small:
        assert (await client.get("/orders")).status_code == 200
    await place_orders(db, user, 190, start=datetime(2026, 6, 1, tzinfo=UTC))
    with StatementCounter(client.app) as large:
        assert (await client.get("/orders")).status_code == 200
    assert small.count == large.count
