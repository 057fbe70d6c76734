"""The staff view of one order: everything that happened, with actors, and its notifications."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import File, Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import requires_role, staff_required
from portal.auth.roles import Role
from portal.domain.notifications import resend
from portal.domain.orders import attachments
from portal.i18n import gettext as _
from portal.staff.order_page import render_order
from portal.web.actors import staff_actor
from portal.web.downloads import download
from portal.web.templating import redirect


class StaffOrdersController(Controller):
    path = "/staff/orders"
    guards = [staff_required]

    @get("/{number:str}")
    async def detail(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template:
        return await render_order(request, db, number)

    @get("/{number:str}/attachments/{attachment_id:int}")
    async def attachment(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        number: FromPath[str],
        attachment_id: FromPath[int],
    ) -> File:
        found = await attachments.find(db, number=number, attachment_id=attachment_id, account_id=None)
        return download(request, found)

    @post(
        "/{number:str}/notifications/{message_id:int}/resend",
        guards=[requires_role(Role.SALES, Role.REVIEWER, Role.LOGISTICS, Role.AFTERSALES)],
    )
    async def resend_notification(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        number: FromPath[str],
        message_id: FromPath[int],
    ) -> Response:
        await resend.resend(db, staff_actor(request), order_number=number, message_id=message_id)
        return redirect(
            request, f"/staff/orders/{number}#notifications", flash=_("The notification will be sent again.")
        )
