"""Engines and sessions for PostgreSQL over asyncpg."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool


def async_url(url: str) -> str:
    """Normalise postgres:// and postgresql:// URLs to the asyncpg dialect."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql", "postgresql+psycopg2", "postgresql+psycopg"):
        parsed = parsed.set(drivername="postgresql+asyncpg")
    return parsed.render_as_string(hide_password=False)


# Session settings of every connection the portal opens. JIT off: the order pages' one statement has many
# correlated subqueries, so PostgreSQL's cost estimate passes jit_above_cost once an account has many
# orders, and compiling it (2.6 s at 1,000,000 orders) cost a hundred times more than running it (25 ms).
SERVER_SETTINGS = {"jit": "off"}
CONNECT_ARGS = {"server_settings": SERVER_SETTINGS}


def make_engine(url: str, *, pool: bool = True, pool_size: int = 10) -> AsyncEngine:
    kwargs: dict[str, object] = {"pool_pre_ping": False, "connect_args": CONNECT_ARGS}
    if pool:
        kwargs.update(pool_size=pool_size, max_overflow=pool_size)
    else:
        kwargs["poolclass"] = NullPool
    return create_async_engine(async_url(url), **kwargs)


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


# Listeners told of each statement a hot path sends straight to asyncpg, past SQLAlchemy's
# ``before_cursor_execute`` event (the statement counters of the tests and of ``make bench``
# listen to both): called with the engine and the SQL text.
RAW_STATEMENT_LISTENERS: list[Callable[[Engine, str], None]] = []


def raw_statement_sent(engine: Engine, sql: str) -> None:
    """Tell the ``RAW_STATEMENT_LISTENERS`` that ``sql`` went to the database on ``engine`` past SQLAlchemy."""
    for listener in RAW_STATEMENT_LISTENERS:
        listener(engine, sql)
