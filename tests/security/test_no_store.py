"""Signed-in pages, customer and staff, are never stored by a browser or proxy (Cache-Control: no-store)."""

from __future__ import annotations

import re

from litestar.handlers import HTTPRouteHandler

from tests.helpers import make_customer, make_order, make_staff, sign_in


def _get_paths(app, prefix_ok) -> list[str]:  # noqa: ANN001
    """Every GET route of the app without path parameters, on one side."""
    paths = set()
    for route in app.routes:
        handlers = getattr(route, "route_handlers", [])
        gettable = any(isinstance(h, HTTPRouteHandler) and "GET" in h.http_methods for h in handlers)
        if gettable and "{" not in route.path and prefix_ok(route.path):
            paths.add(route.path)
    return sorted(paths)


def _no_store(r) -> bool:  # noqa: ANN001
    return "no-store" in r.headers.get("cache-control", "")


async def test_every_customer_page_is_no_store(client, db):
    buyer = await make_customer(db)
    order = await make_order(db, customer=buyer)
    await sign_in(client, buyer.email)
    paths = _get_paths(
        client.app, lambda p: not re.match(r"/(staff|static|health|ready|dev|track|webhooks|favicon)", p)
    )
    assert {"/orders", "/cart", "/catalog", "/checkout"} <= set(paths)
    for path in [*paths, f"/orders/{order.number}", "/orders/SO-0000-999999"]:
        r = await client.get(path, follow_redirects=False)
        assert _no_store(r), (path, r.status_code, r.headers.get("cache-control"))
    # a page fetched by htmx is a signed-in page too
    assert _no_store(await client.get("/orders", headers={"hx-request": "true"}))


async def test_every_staff_page_is_no_store(client, db):
    admin = await make_staff(db, "admin")
    order = await make_order(db)
    await sign_in(client, admin.email, staff=True)
    paths = _get_paths(client.app, lambda p: p.startswith("/staff"))
    assert {"/staff", "/staff/review"} <= set(paths)
    for path in [*paths, f"/staff/orders/{order.number}"]:
        r = await client.get(path, follow_redirects=False)
        assert _no_store(r), (path, r.status_code, r.headers.get("cache-control"))


async def test_public_pages_and_assets_may_be_cached(client):
    for path in ("/static/css/portal.css", "/health"):
        assert not _no_store(await client.get(path))
