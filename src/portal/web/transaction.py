"""The request's single transaction: commit when the handler succeeds, roll back when it raises.

Domain services only ``flush()``. When the transaction wrote outbox rows, a drain job is
enqueued to arq — only after the commit, so a worker never looks before the rows exist,
and never on rollback. A failed enqueue (Redis down) is logged, not surfaced: the cron
sweeper picks the rows up when Redis is back.

Only handlers that ask for ``db`` get a session (routes such as ``/health`` pay nothing); it is
opened from the app's one engine and sessionmaker (``web_database``), and closed — its connection
back in the pool — as soon as the transaction ends, before the response is sent.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from typing import Any

from litestar.datastructures import State
from litestar.serialization import decode_json, encode_json
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from portal.db.engine import CONNECT_ARGS, async_url
from portal.db.hooks import pop_outbox_written
from portal.domain.notifications.outbox import DRAIN_JOB

log = logging.getLogger("portal.transaction")
ENGINE_KEY = "db_engine"  # app.state[ENGINE_KEY]: the AsyncEngine (tests and /ready read it)
SESSIONMAKER_KEY = "db_sessionmaker"


def _json_text(value: Any) -> str:
    """JSON/JSONB values as the web app has always written them (Litestar's encoder: dates, Decimals...)."""
    return encode_json(value).decode("utf-8")


def web_database(url: str, *, pool_size: int, max_overflow: int) -> dict[str, Any]:
    """The app-state entries of the web process's database: ``{ENGINE_KEY: engine, SESSIONMAKER_KEY: maker}``.

    Nothing connects here; the pool opens connections on first use (the app starts while PostgreSQL
    is down and answers 503 until it is back).
    """
    engine: AsyncEngine = create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        json_serializer=_json_text,
        json_deserializer=decode_json,
        connect_args=CONNECT_ARGS,
    )
    maker = async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
    return {ENGINE_KEY: engine, SESSIONMAKER_KEY: maker}


async def enqueue_drain(state: State) -> None:
    try:
        await state.arq.enqueue_job(DRAIN_JOB)
    except Exception:  # noqa: BLE001 - best effort by design, see module docstring
        log.warning("could not enqueue %s; the sweeper will deliver", DRAIN_JOB, exc_info=True)


async def provide_db(state: State) -> AsyncGenerator[AsyncSession, None]:
    """The ``db`` dependency: one session and transaction per request, committed or rolled back here."""
    db_session: AsyncSession = state[SESSIONMAKER_KEY]()
    try:
        yield db_session
    except BaseException:
        pop_outbox_written(db_session)
        await db_session.rollback()
        raise
    else:
        await db_session.commit()
        if pop_outbox_written(db_session):
            await enqueue_drain(state)
    finally:
        await db_session.close()
