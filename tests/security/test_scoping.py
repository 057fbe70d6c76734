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


async def test_another_accounts_order_is_404_everywhere(client, db):
    owner = await make_customer(db)
    order = await make_order(db, customer=owner)
    await service.submit(db, customer_actor(owner), order)
    attachment = await add_attachment(db, order, storage_key=f"{order.id}/x")
    photo = await add_case_photo(db, order)
    stranger = await make_customer(db)
    await sign_in(client, stranger.email)
    token = await csrf_token(client)
    checked = 0
    for route in client.app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/orders/{number"):
            continue
        path = route.path.replace("{number:str}", order.number)
        path = re.sub(r"\{attachment_id:int\}", str(attachment.id), path)
        path = re.sub(r"\{photo_id:int\}", str(photo.id), path)
        assert "{" not in path, f"unfilled path parameter in {route.path}"
        for method in sorted(route.methods - {"OPTIONS", "HEAD"}):
            data = {"_csrf_token": token, "reason": "x", "version": "1"} if method != "GET" else None
            r = await client.request(method, path, data=data, follow_redirects=False)
            assert r.status_code == 404, f"{method} {path} answered {r.status_code}"
            checked += 1
    assert checked >= 6
    # and the owner does see it
    await sign_in(client, owner.email)
    assert (await client.get(f"/orders/{order.number}")).status_code == 200


async def test_another_accounts_ticket_is_404_everywhere(client, db):
    owner = await make_customer(db)
    _r, ticket = await open_ticket(client, db, owner, photos=[("a.jpg", jpeg_with_gps())])
    photo = await db.scalar(select(AftersalesPhoto).where(AftersalesPhoto.case_id == ticket.id))
    stranger = await make_customer(db)
    await sign_in(client, stranger.email)
    token = await csrf_token(client)
    checked = 0
    for route in client.app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/complaints/{number"):
            continue
        path = route.path.replace("{number:str}", ticket.number).replace("{photo_id:int}", str(photo.id))
        assert "{" not in path, f"unfilled path parameter in {route.path}"
        for method in sorted(route.methods - {"OPTIONS", "HEAD"}):
            data = {"_csrf_token": token, "message": "x"} if method != "GET" else None
            r = await client.request(method, path, data=data, follow_redirects=False)
            assert r.status_code == 404, f"{method} {path} answered {r.status_code}"
            checked += 1
    assert checked >= 3
