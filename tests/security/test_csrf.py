"""Every unsafe route of the app refuses a request without a valid CSRF token (403)."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.routes import HTTPRoute

from tests.helpers import make_customer, make_staff, sign_in

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# machine endpoints authenticated by a signature instead of a browser cookie
EXEMPT_PREFIXES = ("/webhooks/",)


def unsafe_routes(app: Litestar) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(EXEMPT_PREFIXES):
            continue
        for method in sorted(set(route.methods) & UNSAFE):
            # fill path parameters with harmless values
            path = re.sub(r"\{(\w+):int\}", "1", route.path)
            path = re.sub(r"\{(\w+)(:\w+)?\}", "SO-2026-000001", path)
            found.append((method, path))
    return found


async def test_the_app_has_unsafe_routes_to_check(client):
    assert ("POST", "/login") in unsafe_routes(client.app)
    assert ("POST", "/lang") in unsafe_routes(client.app)


async def test_every_unsafe_route_needs_a_csrf_token(client, db):
    user = await make_customer(db)
    staff = await make_staff(db, "admin")
    await sign_in(client, user.email)
    await sign_in(client, staff.email, staff=True)  # signed in on both sides: only CSRF stands in the way
    routes = unsafe_routes(client.app)
    for method, path in routes:
        r = await client.request(method, path, data={"x": "1"}, follow_redirects=False)
        assert r.status_code == 403, f"{method} {path} answered {r.status_code} without a CSRF token"
        r = await client.request(
            method,
            path,
            data={"_csrf_token": "forged"},
            headers={"x-csrftoken": "forged"},
            follow_redirects=False,
        )
        assert r.status_code == 403, f"{method} {path} accepted a forged CSRF token"
