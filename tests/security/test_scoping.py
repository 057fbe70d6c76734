"""Another account's order or ticket is not found (404) on every /orders/... and /complaints/... route and photo."""

from __future__ import annotations

import re

from litestar.routes import HTTPRoute
from sqlalchemy import select

from portal.db.aftersales import AftersalesPhoto
from portal.domain.orders import service
from tests.aftersales_helpers import add_case_photo, jpeg_with_gps
from tests.complaint_helpers import open_ticket
from tests.helpers import add_attachment, csrf_token, customer_actor, make_customer, make_order, sign_in


async def _all_404_to_a_stranger(client, db, prefix: str, fill: dict, form: dict[str, str]) -> int:  # noqa: ANN001
    """Signed in as a buyer of another account, every method of every route under ``prefix`` (its
    path parameters filled from ``fill`` by name; posts carry ``form``) answers 404; how many were sent."""
    stranger = await make_customer(db)
    await sign_in(client, stranger.email)
    token = await csrf_token(client)
    checked = 0
    for route in client.app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(prefix):
            continue
        path = route.path
        for name, value in fill.items():
            path = re.sub(rf"\{{{name}:\w+\}}", str(value), path)
        assert "{" not in path, f"unfilled path parameter in {route.path}"
        for method in sorted(route.methods - {"OPTIONS", "HEAD"}):
            data = {"_csrf_token": token, **form} if method != "GET" else None
            r = await client.request(method, path, data=data, follow_redirects=False)
            assert r.status_code == 404, f"{method} {path} answered {r.status_code}"
            checked += 1
    return checked


async def test_another_accounts_order_is_404_everywhere(client, db):
    owner = await make_customer(db)
    order = await make_order(db, customer=owner)
    await service.submit(db, customer_actor(owner), order)
    attachment = await add_attachment(db, order, storage_key=f"{order.id}/x")
    photo = await add_case_photo(db, order)
    fill = {"number": order.number, "attachment_id": attachment.id, "photo_id": photo.id}
    form = {"reason": "x", "version": "1"}
    assert await _all_404_to_a_stranger(client, db, "/orders/{number", fill, form) >= 6
    # and the owner does see it
    await sign_in(client, owner.email)
    assert (await client.get(f"/orders/{order.number}")).status_code == 200


async def test_another_accounts_ticket_is_404_everywhere(client, db):
    owner = await make_customer(db)
    _r, ticket = await open_ticket(client, db, owner, photos=[("a.jpg", jpeg_with_gps())])
    photo = await db.scalar(select(AftersalesPhoto).where(AftersalesPhoto.case_id == ticket.id))
    fill = {"number": ticket.number, "photo_id": photo.id}
    assert await _all_404_to_a_stranger(client, db, "/complaints/{number", fill, {"message": "x"}) >= 3
