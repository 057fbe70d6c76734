"""Tracking links: signed, expiring, revocable; the page shows progress but nothing private."""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.tracking_links import TrackingLinks
from portal.db.orders import Order
from tests.fulfilment_helpers import confirmed
from tests.helpers import as_staff, csrf_token, make_staff, post_form


def links(settings) -> TrackingLinks:
    return TrackingLinks(settings.secret_key, ttl_days=settings.tracking_link_days)


async def test_a_valid_link_shows_the_order_without_private_data(client, db, settings):
    buyer, order = await confirmed(db)
    order.shipping_address = {
        "recipient": "Wang Wei",
        "phone": "13800000000",
        "city": "Suzhou",
        "street": "Secret Street 9",
    }
    await db.commit()
    r = await client.get(links(settings).path(order.id, order.tracking_link_version))
    assert r.status_code == 200 and order.number in r.text
    assert r.headers["referrer-policy"] == "no-referrer" and r.headers["cache-control"] == "no-store"
    assert "noindex" in r.headers["x-robots-tag"] and "set-cookie" not in r.headers
    for private in (
        "Secret Street",
        "13800000000",
        "Wang Wei",
        buyer.name,
        buyer.email,
        str(order.total),
        "¥",
    ):
        assert private not in r.text, private
    assert "Suzhou" in r.text


async def test_tampered_expired_and_revoked_links_are_not_valid(client, db, settings):
    _, order = await confirmed(db)
    good = links(settings).token(order.id, order.tracking_link_version)
    tampered = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    expired = links(settings).token(order.id, order.tracking_link_version, now=0)
    other_key = TrackingLinks("another-secret-" + "z" * 30).token(order.id, order.tracking_link_version)
    for token in (tampered, expired, other_key, "garbage", "a" * 3000):
        r = await client.get(f"/track/{token}")
        assert r.status_code == 404 and "not valid" in r.text and "Traceback" not in r.text
    staff, csrf = await as_staff(client, db, "sales")
    r = await post_form(client, f"/staff/orders/{order.number}/tracking-links/revoke", csrf)
    assert r.status_code == 303
    assert (await client.get(f"/track/{good}")).status_code == 404
    version = await db.scalar(select(Order.tracking_link_version).where(Order.id == order.id))
    assert (await client.get(links(settings).path(order.id, version))).status_code == 200


async def test_lookup_by_number_and_email_is_rate_limited(client, db):
    buyer, order = await confirmed(db)
    token = await csrf_token(client, "/track")
    r = await post_form(client, "/track", token, order_number=order.number, email=buyer.email.upper())
    assert r.status_code == 303 and r.headers["location"].startswith("/track/")
    r = await client.post(
        "/track", data={"_csrf_token": token, "order_number": order.number, "email": "someone@else.test"}
    )
    assert r.status_code == 404 and "could not find" in r.text
    statuses = [
        (
            await client.post("/track", data={"_csrf_token": token, "order_number": "SO-0", "email": "x@y.z"})
        ).status_code
        for _ in range(10)
    ]
    assert statuses[-1] == 429


async def test_the_page_is_rendered_again_when_the_order_moves(client, db, settings):
    """Renders are reused per fingerprint; any change to the order shows at once."""
    buyer, order = await confirmed(db)
    path = links(settings).path(order.id, order.tracking_link_version)
    first = await client.get(path)
    assert first.text == (await client.get(path)).text  # served again
    from portal.domain.orders import service
    from tests.fulfilment_helpers import staff_actor

    production = await make_staff(db, "production")
    await service.start_production(db, staff_actor(production), order)
    await db.commit()
    assert "in production" in (await client.get(path)).text and "in production" not in first.text
