"""The account's statement of account (对账单): a page with a period picker, as PDF and as CSV."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import customer_required
from portal.domain.billing import statement
from portal.web.actors import customer_actor
from portal.web.downloads import Format, FromDay, ToDay, statement_period, statement_response


class StatementController(Controller):
    path = "/account"
    guards = [customer_required]

    @get("/statement")
    async def statement(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        from_day: FromDay = None,
        to_day: ToDay = None,
        fmt: Format = None,
    ) -> Template | Response:
        """``?from=2026-11-01&to=2026-11-30`` (default: this month so far); ``&format=pdf|csv`` downloads."""
        actor = customer_actor(request)
        period = statement_period(from_day, to_day)
        shown = await statement.statement(db, actor, actor.account_id or 0, period)
        return statement_response(request, shown, requested=fmt, template="customer/account/statement.html")
