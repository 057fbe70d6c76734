"""Development only: the e-mails the portal has sent (or would have), newest first."""

from __future__ import annotations

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.outbox import OutboxMessage
from portal.web.templating import page


@get("/dev/mailbox")
async def dev_mailbox(request: Request, db: NamedDependency[AsyncSession]) -> Template:
    """Registered only in dev and test mode (see app.py): elsewhere the path does not exist (404)."""
    messages = (await db.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(100))).all()
    return page(request, "dev/mailbox.html", messages=messages)
