"""The account's orders: the list, one order with its timeline, and what the buyer may do with it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import customer_required
from portal.domain.billing import archive
from portal.domain.orders import backorder, pages, queries, service
from portal.domain.orders.states import OrderState, allowed_actions
from portal.i18n import gettext as _
from portal.web import inputs, words
from portal.web.acting import OrderStep, apply_order_form
from portal.web.actors import customer_actor
from portal.web.downloads import OrderAttachments, archive_download
from portal.web.forms import form_version, query_day, query_text
from portal.web.readers import read_form
from portal.web.templating import page


async def act_on_order(
    request: Request,
    db: AsyncSession,
    number: str,
    step: OrderStep,
    *,
    view: Callable[..., Awaitable[Template]],
    flash: str,
    values: Callable[[Any], dict[str, str]] | None = None,
) -> Response | Template:
    """Apply one form to the buyer's order, then back to it with ``flash`` (or ``step``'s own toast).

    A refused form shows ``view(request, db, number, status_code=422, errors=…)`` again, with
    ``values=values(form)`` when ``values`` is given; nothing of it is kept.
    """
    render = partial(view, request, db, number)
    actor = customer_actor(request)
    return await apply_order_form(
        request,
        db,
        number,
        step,
        actor=actor,
        render=render,
        to=f"/orders/{number}",
        flash=flash,
        values=values,
    )


class OrdersController(OrderAttachments):
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
        result = await queries.customer_orders(db, customer_actor(request), filters=filters)
        return page(
            request,
            "customer/orders/list.html",
            block="order_list",
            orders=result.rows,
            next_after=result.next_after,
            filters=filters,
            state_words=words.state_words("customer"),  # a label per row: looked up, not translated
            channel_words=words.channel_words(),
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
        shown = await pages.customer_order_page(db, customer_actor(request), number)
        return page(
            request,
            "customer/orders/detail.html",
            status_code=status_code,
            order=shown.order,
            attachments=shown.attachments,
            timeline=shown.timeline,
            actions=allowed_actions(shown.order.status, ["customer"]),
            milestones=shown.milestones,
            delivery_estimate=shown.delivery_estimate,
            shipments=shown.shipments,
            cases=shown.cases,
            backorder=shown.backorder,
            invoices=shown.invoices,
            aftersales=shown.aftersales,
            survey_answer=shown.survey,
            errors=errors or {},
        )

    @get("/{number:str}")
    async def detail(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template:
        return await self._detail(request, db, number)

    @get("/{number:str}/archive.zip")
    async def archive(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response:
        """The order's archive: confirmations, delivery note, invoices, credit notes, payments, timeline."""
        return archive_download(request, await archive.order_archive(db, customer_actor(request), number))

    @post("/{number:str}/cancel")
    async def cancel(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def do(actor, order, form) -> None:  # noqa: ANN001
            version = form_version(form)
            reason = read_form(form, inputs.DecisionForm).reason
            await service.cancel(db, actor, order, expected_version=version, reason=reason)

        return await act_on_order(
            request, db, number, do, view=self._detail, flash=_("The order has been cancelled.")
        )

    @post("/{number:str}/backorder-choice")
    async def backorder_choice(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def do(actor, order, form) -> None:  # noqa: ANN001
            sent = read_form(form, inputs.BackorderChoiceForm)
            await backorder.choose(db, actor, order, choice=sent.choice, substitute_sku=sent.substitute_sku)

        return await act_on_order(
            request, db, number, do, view=self._detail, flash=_("Thank you: we recorded your choice.")
        )

    reader = staticmethod(customer_actor)  # who reads the attachments (OrderAttachments)
