"""The role matrix: every staff route, tried by a user of each role: allowed, or 403."""

from __future__ import annotations

import re

from litestar.routes import HTTPRoute

from portal.auth.roles import Role
from tests.helpers import csrf_token, make_staff, sign_in

PUBLIC = {"/staff/login", "/staff/logout"}


def required_roles(handler) -> set[str] | None:  # noqa: ANN001
    """The roles a handler's guards admit (None: any signed-in staff member)."""
    wanted: set[str] | None = None
    for guard in (g for layer in handler.ownership_layers for g in (layer.guards or [])):
        roles = getattr(guard, "roles", None)
        if roles is not None:
            wanted = set(roles) if wanted is None else wanted & set(roles)
    return wanted


def staff_routes(app) -> list[tuple[str, str, set[str] | None]]:  # noqa: ANN001
    out = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/staff") or route.path in PUBLIC:
            continue
        for method, (handler, _kwargs) in route.route_handler_map.items():
            if method in ("OPTIONS", "HEAD"):
                continue
            path = re.sub(r"\{\w+:int\}", "1", route.path)
            path = re.sub(r"\{\w+(:\w+)?\}", "SO-2026-000001", path)
            out.append((method, path, required_roles(handler)))
    return out


async def test_every_staff_route_admits_exactly_its_roles(client, db):
    routes = staff_routes(client.app)
    assert any(roles for _, _, roles in routes), "expected some role-guarded staff routes"
    for role in Role:
        user = await make_staff(db, role.value)
        await sign_in(client, user.email, staff=True)
        token = await csrf_token(client, "/staff/login")
        for method, path, roles in routes:
            allowed = roles is None or role.value in roles or role == Role.ADMIN
            data = {"_csrf_token": token} if method != "GET" else None
            r = await client.request(method, path, data=data, follow_redirects=False)
            if allowed:
                assert r.status_code != 403, f"{role.value} refused on {method} {path}"
            else:
                assert r.status_code == 403, f"{role.value} got {r.status_code} on {method} {path}"
