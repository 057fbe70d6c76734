"""PostgreSQL refusing connections: pages answer 503 with a friendly, translated page (never a 500)."""

from __future__ import annotations

import pytest
from litestar.testing import AsyncTestClient

from portal.app import create_app
from portal.auth.sessions import COOKIE_NAMES, SessionData, SessionStore
from tests.helpers import csrf_token

CLOSED_PORT = "postgresql://postgres@127.0.0.1:1/x"


@pytest.fixture
async def down(settings, redis, clean):
    """An app whose database refuses every connection; Redis (sessions) still works."""
    app = create_app(settings.with_overrides(database_url=CLOSED_PORT))
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        client.headers["accept-language"] = "en"
        store = SessionStore(redis, 600)
        customer = SessionData(kind="customer", user_id=1, email="b@x.test", name="B", account_id=1)
        staff = SessionData(kind="staff", user_id=1, email="s@x.test", name="S", roles=["admin"])
        client.cookies.set(COOKIE_NAMES["customer"], await store.create(customer))
        client.cookies.set(COOKIE_NAMES["staff"], await store.create(staff))
        yield client


@pytest.mark.parametrize(
    ("language", "title", "message"),
    [("en", "Temporarily unavailable", "try again shortly"), ("zh-CN", "暂时无法使用", "请稍后再试")],
)
@pytest.mark.parametrize("path", ["/orders", "/cart", "/catalog", "/staff/", "/staff/review"])
async def test_pages_answer_503_with_a_friendly_page(down, path, language, title, message):
    r = await down.get(path, headers={"accept-language": language})
    assert r.status_code == 503, (path, r.status_code)
    assert title in r.text and message in r.text and "Traceback" not in r.text
    assert r.headers["retry-after"] == "30"


async def test_forms_htmx_and_machines_get_503_too(down):
    token = await csrf_token(down)
    r = await down.post("/login", data={"email": "b@x.test", "password": "p" * 12, "_csrf_token": token})
    assert r.status_code == 503 and "Temporarily unavailable" in r.text
    r = await down.get("/orders", headers={"hx-request": "true", "accept-language": "en"})
    assert r.status_code == 503 and 'class="toast toast-error"' in r.text
    r = await down.post(
        "/webhooks/carriers/acme", content=b"{}", headers={"content-type": "application/json"}
    )
    assert r.status_code == 503 and r.headers["content-type"].startswith("application/problem+json")
    assert (await down.get("/ready")).status_code == 503


async def test_redis_down_is_503_too(settings, clean):
    """Sessions live in Redis: a signed-in page cannot be shown without it, and says so kindly."""
    app = create_app(settings.with_overrides(redis_url="redis://127.0.0.1:1/0"))
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        client.cookies.set(COOKIE_NAMES["customer"], "some-session-id")
        r = await client.get("/orders", headers={"accept-language": "en"})
        assert r.status_code == 503 and "Temporarily unavailable" in r.text
