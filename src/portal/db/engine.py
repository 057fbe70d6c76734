"""Engines and sessions for PostgreSQL over asyncpg."""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool


def async_url(url: str) -> str:
    """Normalise postgres:// and postgresql:// URLs to the asyncpg dialect."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, *, pool: bool = True, pool_size: int = 10) -> AsyncEngine:
    kwargs: dict[str, object] = {"pool_pre_ping": False}
    if pool:
        kwargs.update(pool_size=pool_size, max_overflow=pool_size)
    else:
        kwargs["poolclass"] = NullPool
    return create_async_engine(async_url(url), **kwargs)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
