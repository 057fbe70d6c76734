"""Only admins reach the administration: every /staff/admin route refuses other staff (403)."""

from __future__ import annotations

import re

from litestar.routes import HTTPRoute

from portal.auth.roles import Role
from tests.helpers import csrf_token, make_staff, sign_in


def admin_routes(app) -> list[tuple[str, str]]:
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/staff/admin"):
            continue
        path = re.sub(r"\{\w+:int\}", "1", route.path)
        assert "{" not in path, route.path
        found.extend((method, path) for method in sorted(route.methods & {"GET", "POST"}))
    return found


async def test_non_admin_staff_get_403_on_every_admin_route(client, db):
    everything_but_admin = [r.value for r in Role if r is not Role.ADMIN]
    staff = await make_staff(db, *everything_but_admin)
    await sign_in(client, staff.email, staff=True)
    token = await csrf_token(client, "/staff/login")
    routes = admin_routes(client.app)
    assert len(routes) >= 20
    for method, path in routes:
        data = {"_csrf_token": token, "name": "x", "roles": ["admin"]} if method == "POST" else None
        r = await client.request(method, path, data=data, follow_redirects=False)
        assert r.status_code == 403, f"{method} {path} answered {r.status_code}"


async def test_without_a_session_admin_pages_ask_to_sign_in(client, db):
    token = await csrf_token(client, "/staff/login")
    for method, path in admin_routes(client.app):
        data = {"_csrf_token": token} if method == "POST" else None
        r = await client.request(method, path, data=data, follow_redirects=False)
        expected = 303 if method == "GET" else 401
        assert r.status_code == expected, f"{method} {path} answered {r.status_code}"


async def test_admins_see_the_administration_link_and_others_do_not(client, db):
    sales = await make_staff(db, "sales")
    await sign_in(client, sales.email, staff=True)
    assert "/staff/admin/" not in (await client.get("/staff/")).text
    admin = await make_staff(db, "admin")
    await sign_in(client, admin.email, staff=True)
    home = await client.get("/staff/")
    assert 'href="/staff/admin/"' in home.text
    index = await client.get("/staff/admin/")
    for section in ("products", "accounts", "users", "settings", "audit"):
        assert f'href="/staff/admin/{section}"' in index.text
