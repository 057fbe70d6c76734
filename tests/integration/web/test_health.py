from __future__ import annotations

from litestar.testing import AsyncTestClient

from portal.app import create_app
from portal.embedded import free_port


async def test_health_and_ready(client):
    r = await client.get("/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    r = await client.get("/ready")
    assert r.status_code == 200 and r.json()["database"] == "ok" and r.json()["redis"] == "ok"


async def test_ready_is_503_when_redis_does_not_answer(settings, clean):
    broken = settings.with_overrides(redis_url=f"redis://127.0.0.1:{free_port()}/0")
    async with AsyncTestClient(app=create_app(broken)) as c:
        r = await c.get("/ready")
        assert r.status_code == 503
        assert r.json()["redis"].startswith("error") and r.json()["database"] == "ok"
        assert (await c.get("/health")).status_code == 200  # alive, just not ready
