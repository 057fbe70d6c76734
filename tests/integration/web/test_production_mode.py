"""Outside dev mode: Secure cookies and HSTS; `portal create-staff` makes a user who can sign in."""

from __future__ import annotations

import os
import subprocess
import sys

from litestar.testing import AsyncTestClient

from portal.app import create_app
from tests.helpers import make_customer, sign_in


async def test_production_cookies_are_secure(settings, db):
    user = await make_customer(db)
    prod = settings.with_overrides(env="prod", secret_key="p" * 40)
    async with AsyncTestClient(app=create_app(prod), base_url="https://portal.example") as c:
        r = await sign_in(c, user.email)
        assert r.status_code == 303
        cookies = " ".join(r.headers.get_list("set-cookie")).lower()
        assert "portal_session=" in cookies and "secure" in cookies and "httponly" in cookies
        assert "max-age=31536000" in r.headers["strict-transport-security"]


async def test_production_csrf_cookie_is_host_only(settings, db):
    """``__Host-``: Secure, Path=/ and no Domain, so no sibling subdomain can set or overwrite it."""
    user = await make_customer(db)
    prod = settings.with_overrides(env="prod", secret_key="p" * 40)
    async with AsyncTestClient(app=create_app(prod), base_url="https://portal.example") as c:
        r = await c.get("/login")
        (cookie,) = [h for h in r.headers.get_list("set-cookie") if "csrf" in h]
        attributes = [a.strip().lower() for a in cookie.split(";")]
        assert cookie.startswith("__Host-portal_csrf=") and "secure" in attributes and "path=/" in attributes
        assert not any(a.startswith("domain=") for a in attributes)
        assert (await sign_in(c, user.email)).status_code == 303  # the form's token still works
        # a token in a cookie without the prefix (as a sibling subdomain could set) is not the one checked
        c.cookies.clear()
        c.cookies.set("portal_csrf", cookie.split(";")[0].split("=", 1)[1], domain="portal.example")
        token = c.cookies["portal_csrf"]
        r = await c.post("/login", data={"email": user.email, "password": "x", "_csrf_token": token})
        assert r.status_code == 403


async def test_create_staff_command(settings, client, clean):
    env = {
        **os.environ,
        "PORTAL_ENV": "test",
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "PORTAL_STAFF_PASSWORD": "a-long-enough-password",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "portal.cli",
            "create-staff",
            "--email",
            "Boss@Example.test",
            "--name",
            "Boss",
            "--roles",
            "reviewer,approver",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    r = await sign_in(client, "boss@example.test", "a-long-enough-password", staff=True)
    assert r.status_code == 303 and r.headers["location"] == "/staff/"
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "portal.cli",
            "create-staff",
            "--email",
            "x@example.test",
            "--name",
            "X",
            "--roles",
            "wizard",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "wizard" in bad.stderr
