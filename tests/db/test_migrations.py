"""The schema comes only from Alembic: upgrade from empty, downgrade to base, upgrade again."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from portal.db import metadata
from portal.db.engine import async_url, make_engine
from portal.db.migrate import downgrade, upgrade


@pytest.fixture
def scratch_db(settings):
    """A database of its own, so that downgrading does not disturb the other tests."""
    name = f"portal_migr_{uuid.uuid4().hex[:8]}"
    admin = make_engine(settings.database_url, pool=False).execution_options(isolation_level="AUTOCOMMIT")

    async def run(sql: str) -> None:
        async with admin.connect() as conn:
            await conn.execute(text(sql))

    asyncio.run(run(f'CREATE DATABASE "{name}"'))
    url = make_url(async_url(settings.database_url)).set(database=name).render_as_string(hide_password=False)
    yield url
    asyncio.run(run(f'DROP DATABASE "{name}" WITH (FORCE)'))
    asyncio.run(admin.dispose())


async def _tables(url: str) -> set[str]:
    engine = make_engine(url, pool=False)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


async def _diff(url: str) -> list:
    engine = make_engine(url, pool=False)
    async with engine.connect() as conn:
        ctx = lambda c: MigrationContext.configure(c, opts={"include_object": _not_trgm})  # noqa: E731
        diff = await conn.run_sync(lambda c: compare_metadata(ctx(c), metadata))
    await engine.dispose()
    return diff


def _not_trgm(obj, name, type_, reflected, compare_to) -> bool:
    """Trigram indexes exist only where PostgreSQL has pg_trgm (see migration 0002)."""
    return not (type_ == "index" and name and name.endswith("_trgm"))


def test_upgrade_downgrade_upgrade(scratch_db):
    expected = {t.name for t in metadata.sorted_tables}
    upgrade(scratch_db)
    assert asyncio.run(_tables(scratch_db)) == expected
    downgrade(scratch_db, "base")
    assert asyncio.run(_tables(scratch_db)) == set()
    upgrade(scratch_db)
    assert asyncio.run(_tables(scratch_db)) == expected


def test_models_and_migrations_agree(scratch_db):
    """A model change without a migration (or the reverse) fails here."""
    upgrade(scratch_db)
    assert asyncio.run(_diff(scratch_db)) == []
