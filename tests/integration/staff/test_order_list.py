"""The staff order list: every role opens it and sees its own work first; search, filters, keyset pages,
a fixed number of statements; refused or stale actions lead back to the order."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from portal.db.fulfilment import Carrier, Shipment
from portal.domain.orders.staff_list import ROLE_VIEWS
from portal.domain.orders.states import OrderState
from tests.helpers import (
    StatementCounter,
    as_staff,
    make_account,
    make_customer,
    make_product,
    make_staff,
    place_orders,
    sign_in,
)

NUMBER = re.compile(r">(SO-2026-\d{6})<")


def listed(html: str) -> set[str]:
    """The order numbers a list page links to."""
    return set(NUMBER.findall(html))


async def _one_per_state(db) -> dict[str, str]:
    """An order in every state an order list shows: state -> number."""
    buyer = await make_customer(db)
    out = {}
    for state in OrderState:
        if state != OrderState.DRAFT:
            out[state.value] = (await place_orders(db, buyer, 1, status=state.value))[0].number
    return out


async def test_every_role_opens_the_list_and_sees_its_own_work_first(client, db):
    numbers = await _one_per_state(db)
    for role, states in [*ROLE_VIEWS.items(), ("admin", tuple(numbers))]:
        user = await make_staff(db, role)
        await sign_in(client, user.email, staff=True)
        r = await client.get("/staff/orders")
        assert r.status_code == 200, role
        assert listed(r.text) == {numbers[s] for s in states}, role
        everything = await client.get("/staff/orders?state=all")
        assert listed(everything.text) == set(numbers.values()), role
        client.cookies.clear()


async def test_production_and_logistics_views(client, db):
    numbers = await _one_per_state(db)
    production = await make_staff(db, "production")
    await sign_in(client, production.email, staff=True)
    assert listed((await client.get("/staff/orders")).text) == {
        numbers["confirmed"],
        numbers["in_production"],
    }
    client.cookies.clear()
    logistics = await make_staff(db, "logistics")
    await sign_in(client, logistics.email, staff=True)
    page = (await client.get("/staff/orders")).text
    assert listed(page) == {numbers["ready_to_ship"], numbers["partially_shipped"]}
    assert 'href="/staff/orders"' in page and 'aria-current="page"' in page  # in the staff navigation


async def test_search_by_number_customer_sku_and_tracking_number(client, db):
    acme = await make_customer(
        db, account=await make_account(db, name="Acme Hydraulics", tax_id="91310115MA1K")
    )
    other = await make_customer(db)
    pump = await make_product(db, sku="PUMP-XL-9")
    by_acme = await place_orders(db, acme, 2)
    by_sku = await place_orders(db, other, 1, product=pump, start=datetime(2026, 4, 1, tzinfo=UTC))
    shipped = await place_orders(db, other, 1, status="shipped", start=datetime(2026, 5, 1, tzinfo=UTC))
    db.add(Carrier(code="sf", name="SF Express", webhook_secret="s" * 32))
    await db.flush()
    db.add(Shipment(order_id=shipped[0].id, carrier_code="sf", tracking_number="SF1234567890"))
    await db.commit()
    staff = await make_staff(db, "finance")
    await sign_in(client, staff.email, staff=True)

    async def found(q: str) -> set[str]:
        return listed((await client.get("/staff/orders", params={"state": "all", "q": q})).text)

    assert await found(by_acme[1].number.lower()) == {by_acme[1].number}
    assert await found("acme hydr") == {o.number for o in by_acme}
    assert await found("91310115") == {o.number for o in by_acme}
    assert await found("pump-xl") == {by_sku[0].number}
    assert await found("sf12345") == {shipped[0].number}
    assert await found("100%_") == set()  # the user's % and _ are taken literally


async def test_filters_state_channel_customer_dates_and_assignee(client, db):
    me = await make_staff(db, "sales")
    colleague = await make_staff(db, "reviewer")
    buyer, other = await make_customer(db), await make_customer(db)
    web = await place_orders(db, buyer, 2, start=datetime(2026, 1, 10, tzinfo=UTC))
    phone = await place_orders(db, buyer, 1, channel="phone", start=datetime(2026, 2, 10, tzinfo=UTC))
    mine = await place_orders(db, other, 1, assignee_staff_id=me.id, start=datetime(2026, 3, 10, tzinfo=UTC))
    theirs = await place_orders(
        db,
        other,
        1,
        status="shipped",
        assignee_staff_id=colleague.id,
        start=datetime(2026, 3, 20, tzinfo=UTC),
    )
    await sign_in(client, me.email, staff=True)

    async def found(**params: object) -> set[str]:
        return listed((await client.get("/staff/orders", params={"state": "all", **params})).text)

    n = lambda *groups: {o.number for g in groups for o in g}  # noqa: E731
    assert await found(state="shipped") == n(theirs)
    assert await found(state="shipped,submitted") == n(web, phone, mine, theirs)
    assert await found(channel="phone") == n(phone)
    assert await found(customer=other.account_id) == n(mine, theirs)
    assert await found(**{"from": "2026-02-01", "to": "2026-03-15"}) == n(phone, mine)
    assert await found(assignee="me") == n(mine)
    assert await found(assignee=str(colleague.id)) == n(theirs)
    assert await found(assignee="none") == n(web, phone)
    # the default view of sales (orders before confirmation) with one more filter
    assert listed((await client.get("/staff/orders?channel=web")).text) == n(web, mine)


async def test_htmx_gets_the_results_alone_and_the_form_works_without_javascript(client, db):
    buyer = await make_customer(db)
    orders = await place_orders(db, buyer, 2)
    staff = await make_staff(db, "reviewer")
    await sign_in(client, staff.email, staff=True)
    full = (await client.get("/staff/orders")).text
    assert (
        '<form class="filters" method="get" action="/staff/orders"' in full
        and 'hx-get="/staff/orders"' in full
    )
    fragment = await client.get(
        "/staff/orders?state=submitted", headers={"hx-request": "true", "hx-target": "results"}
    )
    assert "<html" not in fragment.text and fragment.text.lstrip().startswith('<div id="results">')
    assert listed(fragment.text) == {o.number for o in orders}


async def test_keyset_pages_cover_everything_once(client, db):
    buyer = await make_customer(db)
    orders = await place_orders(db, buyer, 60)
    staff = await make_staff(db, "reviewer")
    await sign_in(client, staff.email, staff=True)
    seen, url, pages = [], "/staff/orders?state=submitted", 0
    while url:
        html = (await client.get(url)).text
        seen += sorted(listed(html))
        pages += 1
        nxt = re.search(r'<a href="(/staff/orders\?[^"]*after=[^"]*)">', html)
        url = nxt.group(1).replace("&amp;", "&") if nxt else None
    assert sorted(seen) == sorted(o.number for o in orders) and pages == 3


async def test_the_list_costs_the_same_number_of_statements_with_10_and_200_orders(client, db):
    buyer = await make_customer(db)
    staff = await make_staff(db, "admin")
    await sign_in(client, staff.email, staff=True)
    await place_orders(db, buyer, 10)
    with StatementCounter(client.app) as small:
        assert (await client.get("/staff/orders?q=SO-2026")).status_code == 200
    await place_orders(db, buyer, 190, start=datetime(2026, 6, 1, tzinfo=UTC), status="shipped")
    with StatementCounter(client.app) as large:
        assert (await client.get("/staff/orders?q=SO-2026")).status_code == 200
    assert small.count == large.count


async def test_odd_input_filters_nothing_and_never_fails(client, db):
    buyer = await make_customer(db)
    orders = await place_orders(db, buyer, 2)
    staff = await make_staff(db, "reviewer")
    await sign_in(client, staff.email, staff=True)
    for params in (
        {"customer": "9" * 30, "assignee": "9" * 30},
        {"customer": "-1", "assignee": "²"},
        {"from": "0001-01-01", "to": "9999-12-31"},
        {"from": "2026-02-30", "to": "yesterday"},
        {"after": "bm9wZQ=="},
        {"after": "x" * 1000},
        {"state": "bogus,x"},
    ):
        r = await client.get("/staff/orders", params=params)
        assert r.status_code == 200, params
    for params in ({"q": "a\x00b"}, {"channel": "\x00"}, {"state": "\x00"}):  # refused or ignored
        assert (await client.get("/staff/orders", params=params)).status_code < 500, params
    r = await client.get("/staff/orders", params={"from": "0001-01-01", "to": "9999-12-31"})
    assert listed(r.text) == {o.number for o in orders}


async def test_a_refused_or_stale_action_leads_back_to_the_order(client, db):
    buyer = await make_customer(db)
    order = (await place_orders(db, buyer, 1))[0]
    back = f'href="/staff/orders/{order.number}"'
    production, token = await as_staff(client, db, "production")
    refused = await client.post(f"/staff/orders/{order.number}/approve", data={"_csrf_token": token})
    assert refused.status_code == 403 and back in refused.text
    # a guard refuses before the handler knows the order: the page the form was on tells it
    refused = await client.post(
        "/staff/shipments/1/events",
        data={"_csrf_token": token},
        headers={"referer": f"http://testserver.local/staff/orders/{order.number}"},
    )
    assert refused.status_code == 403 and back in refused.text
    client.cookies.clear()
    reviewer, token = await as_staff(client, db, "reviewer")
    stale = await client.post(
        f"/staff/orders/{order.number}/approve", data={"_csrf_token": token, "version": "99"}
    )
    assert stale.status_code == 409 and back in stale.text
    missing = await client.get("/staff/orders/SO-2026-999999")
    assert missing.status_code == 404 and 'href="/staff/orders/SO-2026-999999"' not in missing.text
