"""After-sales work on an order's cases (售后工单): resolving one. The queue of every kind comes later."""

from __future__ import annotations

from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import requires_role
from portal.auth.roles import Role
from portal.domain.aftersales import cases
from portal.i18n import gettext as _
from portal.staff.order_page import act_on_order
from portal.web.forms import form_text


class AftersalesCasesController(Controller):
    path = "/staff/orders"
    guards = [requires_role(Role.AFTERSALES)]

    @post("/{number:str}/aftersales/{case_number:str}/resolve")
    async def resolve(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        number: FromPath[str],
        case_number: FromPath[str],
    ) -> Response | Template:
        async def do(actor, order, form) -> None:  # noqa: ANN001
            resolution = form_text(form, "resolution", limit=cases.RESOLUTION_LIMIT)
            await cases.resolve(db, actor, order, case_number=case_number, resolution=resolution)

        flash = _("Case %(case)s resolved; the customer has been told.", case=case_number)
        return await act_on_order(request, db, number, do, flash=flash, anchor="#aftersales")
