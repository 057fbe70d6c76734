"""The staff order page: the order, its checks, the customer's history, decisions, timeline, mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

from litestar import Request
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.domain.orders import checks, pages, timeline
from portal.domain.orders.states import allowed_actions
from portal.formatting import day, join_list, money
from portal.i18n import gettext
from portal.web.acting import OrderStep, apply_order_form
from portal.web.actors import staff_actor
from portal.web.forms import FieldNames, typed_values
from portal.web.templating import form_page


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
    **form_state: Any,
) -> Template:
    today = clock.today()
    shown = await pages.staff_order_page(db, staff_actor(request), number, today)
    review = None
    if found := shown.review:
        review = {
            "checks": [_check_view(c, found.currency) for c in found.checks],
            "overall": found.overall,
            "levels": found.levels,
            "level": found.level,
        }
    return form_page(
        request,
        "staff/orders/detail.html",
        order=shown.order,
        timeline=timeline.staff_timeline(shown.events),
        notifications=shown.notifications,
        attachments=shown.attachments,
        actions=allowed_actions(shown.order.status, request.state.staff.roles),
        review=review,
        history=shown.history,
        confirmations=shown.confirmations,
        production=shown.production,
        shipping=shown.shipping,
        invoices=shown.invoices,
        closing=shown.closing,
        aftersales=shown.aftersales,
        can_resolve=request.state.staff.has_role("aftersales"),  # the resolve form on each open case
        survey=shown.survey,
        today=today,
        addresses=shown.addresses,
        **form_state,
    )


async def act_on_order(
    request: Request,
    db: AsyncSession,
    number: str,
    step: OrderStep,
    *,
    flash: str,
    anchor: str = "",
    field_names: FieldNames | None = None,
) -> Response | Template:
    """Load the order, apply one staff form to it; a refused form re-renders the order page (422).

    ``step`` may return its own flash message; nothing of a refused form is kept, but what was typed
    fills the page again. ``field_names`` names the places of the form's line fields (``web.forms.named``).
    """
    request.state.order_number = number  # an error page leads back to this order
    render = partial(render_order, request, db, number)
    return await apply_order_form(
        request,
        db,
        number,
        step,
        actor=staff_actor(request),
        render=render,
        to=f"/staff/orders/{number}{anchor}",
        flash=flash,
        values=typed_values,
        field_names=field_names,
    )
