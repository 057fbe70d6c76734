"""A page's fragment is rendered only for the htmx request that targets it; any other gets the page."""

from __future__ import annotations

from tests.helpers import make_customer, make_order, sign_in


async def test_a_fragment_only_for_its_own_target(client, db):
    buyer = await make_customer(db)
    await make_order(db, customer=buyer)
    await sign_in(client, buyer.email)
    aimed = await client.get("/orders", headers={"hx-request": "true", "hx-target": "order-list"})
    assert aimed.status_code == 200 and "<html" not in aimed.text and 'id="order-list"' in aimed.text
    for other in ({"hx-request": "true", "hx-target": "main"}, {"hx-request": "true"}):
        whole = await client.get("/orders", headers=other)  # a boosted link or another target
        assert whole.status_code == 200 and "<html" in whole.text
