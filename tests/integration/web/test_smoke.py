from __future__ import annotations

from tests.helpers import make_customer, sign_in


async def test_login_page_renders(client):
    r = await client.get("/login")
    assert r.status_code == 200
    assert "<form" in r.text and 'name="_csrf_token"' in r.text


async def test_customer_signs_in_and_sees_orders(client, db):
    user = await make_customer(db)
    r = await sign_in(client, user.email)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/orders"
    r = await client.get("/orders")
    assert r.status_code == 200
    assert user.name in r.text
