"""Test fixtures: real PostgreSQL and Redis (TEST_DATABASE_URL / TEST_REDIS_URL, else embedded ones).

The schema is built once per run with the Alembic migrations; every test starts from
empty tables and an empty Redis database.
"""

from __future__ import annotations

import asyncio
import os
import warnings
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

warnings.filterwarnings("ignore", message=".*declarative_mixin.*")

import pytest  # noqa: E402
import pytest_asyncio  # noqa: E402
from litestar.testing import AsyncTestClient  # noqa: E402
from redis.asyncio import Redis  # noqa: E402
from sqlalchemy import make_url, text  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession  # noqa: E402

from portal.db import metadata  # noqa: E402
from portal.db.engine import make_engine, make_sessionmaker  # noqa: E402
from portal.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TABLES = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)


# Under pytest-xdist (`make test` runs one worker per core) each worker has its own database, Redis
# database and data folder, so that the workers never see each other's rows, keys or files.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"... or "" without xdist
WORKER_NUMBER = int(WORKER[2:]) if WORKER.startswith("gw") and WORKER[2:].isdigit() else -1


def _worker_database(url: str) -> str:
    """``url`` with this worker's database (``portal_test_gw1``), created on first use; ``url`` alone without xdist."""
    if not WORKER:
        return url
    base = make_url(url)
    name = f"{base.database}_{WORKER}"
    admin = base.set(database="postgres").render_as_string(hide_password=False)
    asyncio.run(_create_database(admin, name))
    return base.set(database=name).render_as_string(hide_password=False)


async def _create_database(admin_url: str, name: str) -> None:
    import asyncpg

    dsn = admin_url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def _worker_redis(url: str) -> str:
    """``url`` with this worker's Redis database: counting down from the given one (15 → 14, 13...)."""
    if not WORKER:
        return url
    head, _, tail = url.rpartition("/")
    given, base = (int(tail), head) if tail.isdigit() else (0, url.rstrip("/"))
    return f"{base}/{(given - 1 - WORKER_NUMBER) % 16}"


async def _reset_schema(url: str) -> None:
    engine = make_engine(url, pool=False)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture(scope="session")
def service_urls() -> Iterator[tuple[str, str]]:
    db_url = os.environ.get("TEST_DATABASE_URL", "")
    redis_url = os.environ.get("TEST_REDIS_URL", "")
    embedded = None
    if not db_url or not redis_url:
        from portal.embedded import EmbeddedServices

        embedded = EmbeddedServices(
            data_dir=ROOT / "var" / "test" / (WORKER or "main"), database="portal_test"
        )
        db_url = db_url or embedded.start_postgres()
        redis_url = redis_url or embedded.start_redis()
    else:
        db_url, redis_url = _worker_database(db_url), _worker_redis(redis_url)
    from portal.db.migrate import upgrade

    asyncio.run(_reset_schema(db_url))
    upgrade(db_url)
    yield db_url, redis_url
    if embedded is not None:
        embedded.stop()


@pytest.fixture(scope="session")
def settings(service_urls: tuple[str, str]) -> Settings:
    db_url, redis_url = service_urls
    return Settings(
        env="test",
        database_url=db_url,
        redis_url=redis_url,
        secret_key="test-secret-key-" + "x" * 32,
        base_url="http://testserver.local",
        login_max_failures=5,
        data_dir=ROOT / "var" / "test" / (WORKER or "main") / "data",
    )


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    eng = make_engine(settings.database_url, pool_size=5)
    yield eng
    await eng.dispose()


@pytest.fixture
async def wide_engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    """An engine of its own with 30 connections, for races where every contender holds one."""
    eng = make_engine(settings.database_url, pool_size=30)
    yield eng
    await eng.dispose()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def redis(settings: Settings) -> AsyncIterator[Redis]:
    client = Redis.from_url(settings.redis_url)
    yield client
    await client.aclose()


@pytest.fixture
async def clean(engine: AsyncEngine, redis: Redis) -> None:
    """Empty every table and the Redis database: each test that touches them starts from nothing."""
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    await redis.flushdb()


@pytest.fixture
async def db(engine: AsyncEngine, clean: None) -> AsyncIterator[AsyncSession]:
    async with make_sessionmaker(engine)() as session:
        yield session


@pytest.fixture
async def client(settings: Settings, clean: None) -> AsyncIterator[AsyncTestClient]:
    from portal.app import create_app

    # English unless a test asks otherwise: assertions read like the source strings
    async with AsyncTestClient(app=create_app(settings), base_url="http://testserver.local") as c:
        c.headers["accept-language"] = "en"
        yield c


@pytest.fixture
def smtp_sink():
    """A real SMTP server on 127.0.0.1; yields (sink, smtp_url)."""
    from tests.smtp_sink import start_sink

    sink, controller, url = start_sink()
    yield sink, url
    controller.stop()


# Date-sensitive tests run twice under a frozen business clock: once when Shanghai and UTC share
# the day, once just after midnight in Shanghai while UTC is still on the day before (16:00-24:00
# UTC, when CI used to turn red). Mark a module `pytestmark = pytest.mark.business_midnight`.
MIDNIGHT_SIDES = {
    "shanghai-2330": datetime(2026, 11, 30, 15, 30, tzinfo=UTC),  # 23:30 on 30 Nov in Shanghai and in UTC day
    "shanghai-0030": datetime(2026, 11, 30, 16, 30, tzinfo=UTC),  # 00:30 on 1 Dec in Shanghai, 30 Nov in UTC
}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "business_midnight: run on both sides of midnight in Shanghai")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("business_midnight"):
        metafunc.fixturenames.insert(0, "business_clock")
        metafunc.parametrize("business_clock", list(MIDNIGHT_SIDES), indirect=True)


@pytest.fixture
def business_clock(request: pytest.FixtureRequest) -> Iterator[datetime]:
    """The process clock frozen at a named moment (then ticking), for `business_midnight` tests."""
    import time_machine

    with time_machine.travel(MIDNIGHT_SIDES[request.param], tick=True):
        yield MIDNIGHT_SIDES[request.param]
