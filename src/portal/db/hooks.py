"""Flags a unit of work leaves for whoever commits it (kept on ``session.info``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

OUTBOX_WRITTEN = "portal_outbox_written"


def mark_outbox_written(db: AsyncSession) -> None:
    """After this transaction commits, a drain of the outbox should be enqueued."""
    db.info[OUTBOX_WRITTEN] = True


def pop_outbox_written(db: AsyncSession) -> bool:
    return bool(db.info.pop(OUTBOX_WRITTEN, False))
