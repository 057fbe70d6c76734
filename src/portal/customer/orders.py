"""The account's orders: the list, one order with its timeline, and what the buyer may do with it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import File, Response, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import customer_required
from portal.db.orders import Order
from portal.domain.errors import ValidationFailed
from portal.domain.fulfilment import production
from portal.domain.fulfilment import views as shipping_views
from portal.domain.orders import attachments, backorder, queries, service, timeline, views
from portal.domain.orders.actors import Actor
from portal.domain.orders.states import OrderState, allowed_actions
from portal.i18n import gettext as _
from portal.web import inputs
from portal.web.actors import customer_actor
from portal.web.downloads import download
from portal.web.forms import form_version, query_day, query_text, refused_form
from portal.web.readers import read_form
from portal.web.templating import page, redirect


async def _backorder(db: AsyncSession, order_id: int) -> dict | None:
    """The backordered lines and the substitutes on offer, when the order has any."""
    lines = await backorder.backordered_lines(db, order_id)
    if not lines:
        return None
    choice = await db.scalar(select(Order.backorder_choice).where(Order.id == order_id))
    return {
        "lines": lines,
        "choice": choice,
        "substitutes": await backorder.substitutes(db, order_id),
        "wait_date": await backorder.wait_date(db, order_id),
    }


OrderAction = Callable[[Actor, Order, Any], Awaitable[None]]


class OrdersController(Controller):
    path = "/orders"
    guards = [customer_required]

    @get("/")
    async def list_orders(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        status: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
        from_date: FromQuery[str | None] = None,
        to_date: FromQuery[str | None] = None,
        after: FromQuery[str | None] = None,
    ) -> Template:
        filters = queries.OrderFilter(
            status=status if status in OrderState.__members__.values() else None,
            q=query_text(q, limit=60),
            from_date=query_day(from_date),
            to_date=query_day(to_date),
            after=after,
        )
        result = await queries.account_orders(
            db, account_id=request.state.customer.account_id, filters=filters
        )
        return page(
            request,
            "customer/orders/list.html",
            block="order_list",
            orders=result.rows,
            next_after=result.next_after,
            filters=filters,
        )

    async def _detail(
        self,
        request: Request,
        db: AsyncSession,
        number: str,
        *,
        status_code: int = 200,
        errors: dict[str, str] | None = None,
    ) -> Template:
        order, events = await views.order_detail(
            db, number=number, account_id=request.state.customer.account_id
        )
        files = await attachments.list_for_order(db, order.id)
        return page(
            request,
            "customer/orders/detail.html",
            status_code=status_code,
            order=order,
            attachments=files,
            timeline=timeline.customer_timeline(events),
            actions=allowed_actions(order.status, ["customer"]),
            milestones=await production.milestones_for(db, order.id),
            delivery_estimate=await production.delivery_estimate(db, order.id),
            shipments=await shipping_views.shipments_for(db, order.id),
            cases=await shipping_views.cases_for(db, order.id),
            backorder=await _backorder(db, order.id),
            errors=errors or {},
        )

    @get("/{number:str}")
    async def detail(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template:
        return await self._detail(request, db, number)

    @get("/{number:str}/attachments/{attachment_id:int}")
    async def attachment(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        number: FromPath[str],
        attachment_id: FromPath[int],
    ) -> File:
        found = await attachments.find(
            db, number=number, attachment_id=attachment_id, account_id=request.state.customer.account_id
        )
        return download(request, found)

    async def _act(
        self, request: Request, db: AsyncSession, number: str, do: OrderAction, flash: str
    ) -> Response | Template:
        """Load the buyer's order, apply one form to it; a refused form re-renders the page (422)."""
        actor = customer_actor(request)
        order = await service.load_order(db, actor, number=number)
        form = await request.form()
        try:
            await do(actor, order, form)
        except ValidationFailed as exc:
            return await refused_form(db, exc, partial(self._detail, request, db, number))
        return redirect(request, f"/orders/{number}", flash=flash)

    @post("/{number:str}/cancel")
    async def cancel(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def do(actor, order, form) -> None:  # noqa: ANN001
            version = form_version(form)
            reason = read_form(form, inputs.DecisionForm).reason
            await service.cancel(db, actor, order, expected_version=version, reason=reason)

        return await self._act(request, db, number, do, _("The order has been cancelled."))

    @post("/{number:str}/backorder-choice")
    async def backorder_choice(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def do(actor, order, form) -> None:  # noqa: ANN001
            sent = read_form(form, inputs.BackorderChoiceForm)
            await backorder.choose(db, actor, order, choice=sent.choice, substitute_sku=sent.substitute_sku)

        return await self._act(request, db, number, do, _("Thank you: we recorded your choice."))

    @post("/{number:str}/receipt")
    async def confirm_receipt(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def do(actor, order, form) -> None:  # noqa: ANN001
            version = form_version(form)
            note = read_form(form, inputs.DecisionForm).note
            await service.confirm_receipt(db, actor, order, expected_version=version, note=note)

        return await self._act(request, db, number, do, _("Thank you: receipt confirmed."))
