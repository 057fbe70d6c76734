"""The staff order page: the order, its checks, the customer's history, decisions, timeline, mail."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from litestar import Request
from litestar.response import Response, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.customers import Address
from portal.db.orders import Order
from portal.domain.errors import ValidationFailed
from portal.domain.fulfilment.panel import production_panel
from portal.domain.fulfilment.views import shipping_panel
from portal.domain.orders import (
    approval,
    attachments,
    checks,
    confirmation_docs,
    queries,
    service,
    states,
    timeline,
    views,
)
from portal.domain.orders.actors import Actor
from portal.domain.orders.states import allowed_actions
from portal.domain.settings import config
from portal.formatting import day, join_list, money
from portal.i18n import gettext
from portal.web.actors import staff_actor
from portal.web.forms import refused_form, typed_values
from portal.web.templating import page, redirect


@dataclass(frozen=True)
class CheckView:
    key: str
    status: str
    text: str


def _shown(value: object, currency: str) -> object:
    """A check's value in the reader's language: amounts and dates per locale, words translated."""
    if isinstance(value, list):
        return join_list(gettext(x) for x in value)
    if isinstance(value, Decimal):
        return money(value, currency)
    if isinstance(value, date):
        return day(value)
    return value


def _check_view(check: checks.Check, currency: str) -> CheckView:
    params = {k: _shown(v, currency) for k, v in check.params.items()}
    return CheckView(
        check.key, check.status, gettext(check.message, **params) if params else gettext(check.message)
    )


async def render_order(
    request: Request,
    db: AsyncSession,
    number: str,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Template:
    order_view, events = await views.order_detail(db, number=number, account_id=None)
    today = clock.today()
    review, addresses = None, []
    if order_view.status == "submitted":  # the revise form offers the customer's addresses
        addresses = list(
            await db.scalars(
                select(Address)
                .where(Address.account_id == order_view.account_id)
                .order_by(Address.is_default.desc(), Address.id)
            )
        )
    if order_view.status in states.IN_REVIEW:
        order = await service.load_order(db, staff_actor(request), number=number)
        settings = await config.load(db)
        found = await checks.run_checks(db, order, today=today)
        review = {
            "checks": [_check_view(c, order.currency) for c in found],
            "overall": checks.overall(found),
            "levels": approval.levels_required(order.total, settings.approval_thresholds),
            "level": order.approval_level,
        }
    history = await queries.account_orders(
        db, account_id=order_view.account_id, filters=queries.OrderFilter(), limit=6
    )
    return page(
        request,
        "staff/orders/detail.html",
        status_code=status_code,
        order=order_view,
        timeline=timeline.staff_timeline(events),
        notifications=await views.order_notifications(db, order_view.id),
        attachments=await attachments.list_for_order(db, order_view.id),
        actions=allowed_actions(order_view.status, request.state.staff.roles),
        review=review,
        history=[h for h in history.rows if h.number != number][:5],
        confirmations=await confirmation_docs.versions(db, order_view.id),
        production=await production_panel(db, order_view.id, order_view.status),
        shipping=await shipping_panel(db, order_view.id),
        errors=errors or {},
        today=today,
        addresses=addresses,
        values=values or {},
    )


OrderStep = Callable[[Actor, Order, Any], Awaitable[str | None]]


async def act_on_order(
    request: Request, db: AsyncSession, number: str, step: OrderStep, *, flash: str, anchor: str = ""
) -> Response | Template:
    """Load the order, apply one staff form to it; a refused form re-renders the order page (422).

    ``step`` may return its own flash message; nothing of a refused form is kept.
    """
    request.state.order_number = number  # an error page leads back to this order
    actor = staff_actor(request)
    order = await service.load_order(db, actor, number=number)
    form = await request.form()
    try:
        said = await step(actor, order, form)
    except ValidationFailed as exc:
        return await refused_form(
            db, exc, partial(render_order, request, db, number), values=typed_values(form)
        )
    return redirect(request, f"/staff/orders/{number}{anchor}", flash=said or flash)
