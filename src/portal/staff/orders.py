"""The staff order list and search, and one order: everything that happened, with actors, and its mail."""

from __future__ import annotations

from typing import Annotated

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import requires_role, staff_required
from portal.auth.roles import Role
from portal.domain.notifications import resend
from portal.domain.orders import queries, staff_list
from portal.i18n import gettext as _
from portal.jinja import CHANNEL_LABELS
from portal.staff.order_page import render_order
from portal.web.actors import staff_actor
from portal.web.downloads import OrderAttachments
from portal.web.forms import query_day, query_text
from portal.web.templating import page, redirect


class StaffOrdersController(OrderAttachments):
    path = "/staff/orders"
    guards = [staff_required]

    @get("/")
    async def index(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        # `state` is a reserved parameter name in Litestar: the view arrives under another name
        view: Annotated[str | None, QueryParameter(name="state", required=False)] = None,
        q: FromQuery[str | None] = None,
        channel: FromQuery[str | None] = None,
        customer: FromQuery[str | None] = None,
        assignee: FromQuery[str | None] = None,
        from_day: Annotated[str | None, QueryParameter(name="from", required=False)] = None,
        to_day: Annotated[str | None, QueryParameter(name="to", required=False)] = None,
        after: FromQuery[str | None] = None,
    ) -> Template:
        staff = request.state.staff
        view_key, states = staff_list.parse_view(view, staff.roles)
        filters = staff_list.StaffOrderFilter(
            view=view_key,
            states=states,
            q=query_text(q),
            channel=channel if channel in CHANNEL_LABELS else None,
            customer=queries.as_id(customer),
            assignee=query_text(assignee, limit=20) or None,  # "me", "none" or an id; anything else: anyone
            from_date=query_day(from_day),
            to_date=query_day(to_day),
            after=after,
        )
        shown = await staff_list.list_page(db, filters, me=staff.user_id)
        return page(
            request,
            "staff/orders/list.html",
            block="results",
            result=shown.result,
            filters=filters,
            own_view=staff_list.role_view(staff.roles),
            listed_states=staff_list.LISTED_STATES,
            customers=shown.customers,
            staff_members=shown.staff_members,
        )

    @get("/{number:str}")
    async def detail(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template:
        return await render_order(request, db, number)

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

    reader = staticmethod(staff_actor)  # who reads the attachments (OrderAttachments)
