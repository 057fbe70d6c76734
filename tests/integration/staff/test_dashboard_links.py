"""Every link on every staff role's dashboard opens a page that role may see: none answers 403."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from portal.auth.roles import Role
from portal.db.fulfilment import Carrier, LogisticsCase, Shipment
from portal.domain.orders.states import OrderState
from tests.helpers import make_customer, make_staff, place_orders, sign_in

LINK = re.compile(r'<a [^>]*href="(/[^"#]*)')


async def _orders_everywhere(db) -> None:
    """An order in every state (the received one past the review SLA) and an open delivery exception."""
    buyer = await make_customer(db)
    numbered = {}
    for state in OrderState:
        if state != OrderState.DRAFT:
            numbered[state] = (await place_orders(db, buyer, 1, status=state.value))[0]
    db.add(Carrier(code="sf", name="SF Express", webhook_secret="s" * 32))
    await db.flush()
    shipment = Shipment(order_id=numbered[OrderState.SHIPPED].id, carrier_code="sf", tracking_number="SF1")
    db.add(shipment)
    await db.flush()
    db.add(
        LogisticsCase(
            order_id=shipment.order_id,
            shipment_id=shipment.id,
            kind="delayed",
            opened_at=datetime(2026, 3, 2, tzinfo=UTC),
        )
    )
    await db.commit()


async def test_every_link_on_every_roles_dashboard_opens(client, db):
    await _orders_everywhere(db)
    for role in Role:
        user = await make_staff(db, role.value)
        await sign_in(client, user.email, staff=True)
        dashboard = await client.get("/staff/")
        assert dashboard.status_code == 200, role
        links = {href.replace("&amp;", "&") for href in LINK.findall(dashboard.text)}
        assert "/staff/orders" in links, role  # every role reaches the order list
        for href in sorted(links):
            r = await client.get(href, follow_redirects=False)
            assert r.status_code != 403 and r.status_code < 500, (
                f"{role.value}: {href} answered {r.status_code}"
            )
        client.cookies.clear()


async def test_the_production_and_logistics_tiles_show_their_orders(client, db):
    await _orders_everywhere(db)
    for role, wanted in (
        ("production", "confirmed,in_production"),
        ("logistics", "ready_to_ship,partially_shipped"),
    ):
        user = await make_staff(db, role)
        await sign_in(client, user.email, staff=True)
        dashboard = (await client.get("/staff/")).text
        tile = f'href="/staff/orders?state={wanted}"'
        assert tile in dashboard, role
        listed = (await client.get(f"/staff/orders?state={wanted}")).text
        assert listed.count('href="/staff/orders/SO-') == 2, role
        client.cookies.clear()
