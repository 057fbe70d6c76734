"""Finance's settlement pages beside the invoices: an account's statement, closing an order, its archive."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import requires_role
from portal.auth.roles import Role
from portal.db.orders import Order
from portal.domain.billing import archive, closing, statement
from portal.domain.orders.actors import Actor
from portal.i18n import gettext as _
from portal.staff.order_page import act_on_order
from portal.web.actors import staff_actor
from portal.web.downloads import (
    Format,
    FromDay,
    ToDay,
    archive_download,
    statement_period,
    statement_response,
)
from portal.web.forms import form_version

FINANCE = requires_role(Role.FINANCE)


class SettlementController(Controller):
    path = "/staff"
    guards = [FINANCE]

    @get("/finance/accounts/{account_id:int}/statement")
    async def statement(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        account_id: FromPath[int],
        from_day: FromDay = None,
        to_day: ToDay = None,
        fmt: Format = None,
    ) -> Template | Response:
        """Any account's statement of account; ``&format=pdf|csv`` downloads it."""
        shown = await statement.statement(
            db, staff_actor(request), account_id, statement_period(from_day, to_day)
        )
        return statement_response(request, shown, requested=fmt, template="staff/finance/statement.html")

    @post("/orders/{number:str}/close")
    async def close(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        """Close a completed order that is fully invoiced and paid, with nothing open (422 naming what is not)."""

        async def step(actor: Actor, order: Order, form: Any) -> None:
            await closing.close_by_hand(db, actor, order, expected_version=form_version(form))

        return await act_on_order(
            request, db, number, step, flash=_("The order is closed."), anchor="#invoices"
        )

    @get("/orders/{number:str}/archive.zip")
    async def archive(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response:
        """The order's archive: confirmations, delivery note, invoices, credit notes, payments, timeline."""
        return archive_download(request, await archive.order_archive(db, staff_actor(request), number))
