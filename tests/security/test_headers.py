"""Security headers on every response — pages, errors, assets, health — and request size limits."""

from __future__ import annotations

import pytest

from tests.helpers import csrf_token

PATHS = [
    "/login",
    "/staff/login",
    "/health",
    "/ready",
    "/static/css/portal.css",
    "/favicon.ico",
    "/no-such-page",
    "/orders",
]


@pytest.mark.parametrize("path", PATHS)
async def test_every_response_carries_the_security_headers(client, path):
    r = await client.get(path, follow_redirects=False)
    csp = r.headers["content-security-policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"]
    assert not r.headers.get("server")  # no banner, no version


async def test_error_responses_carry_them_too(client):
    r = await client.post("/login", data={"email": "x"})  # no CSRF token: 403
    assert r.status_code == 403
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


async def test_pages_use_no_inline_script_or_style(client):
    html = (await client.get("/login")).text
    assert "<script>" not in html and " style=" not in html and "<style" not in html
    assert " on" + "click=" not in html and "hx-on" not in html
    assert '<meta name="htmx-config"' in html
    assert "/static/vendor/htmx-2.0.8.min.js" in html


async def test_oversized_request_bodies_are_refused(client):
    token = await csrf_token(client)
    big = "x" * (3 * 1024 * 1024)
    r = await client.post("/login", data={"email": big, "password": "p", "_csrf_token": token})
    assert r.status_code == 413
