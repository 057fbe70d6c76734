"""The request's single transaction: commit when the handler succeeds, roll back when it raises.

Domain services only ``flush()``. When the transaction wrote outbox rows, a drain job is
enqueued to arq — only after the commit, so a worker never looks before the rows exist,
and never on rollback. A failed enqueue (Redis down) is logged, not surfaced: the cron
sweeper picks the rows up when Redis is back.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator

from litestar.datastructures import State
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.hooks import pop_outbox_written
from portal.domain.notifications.outbox import DRAIN_JOB

log = logging.getLogger("portal.transaction")


async def enqueue_drain(state: State) -> None:
    try:
        await state.arq.enqueue_job(DRAIN_JOB)
    except Exception:  # noqa: BLE001 - best effort by design, see module docstring
        log.warning("could not enqueue %s; the sweeper will deliver", DRAIN_JOB, exc_info=True)


async def provide_db(
    db_session: NamedDependency[AsyncSession], state: State
) -> AsyncGenerator[AsyncSession, None]:
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
