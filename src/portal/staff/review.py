"""The review queue and the review decisions: claim, approve, request changes, reject, cancel."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock, numbers
from portal.auth.guards import requires_role
from portal.auth.roles import Role
from portal.domain.orders import review_queue, service
from portal.domain.orders import revise as revision
from portal.domain.orders.states import OrderState
from portal.domain.settings import config
from portal.i18n import gettext as _
from portal.staff.order_page import act_on_order
from portal.web import inputs
from portal.web.actors import staff_actor
from portal.web.forms import form_ids, form_text, form_version, read_amounts, read_quantities
from portal.web.readers import read_fields, read_form
from portal.web.templating import is_htmx, page, redirect

REVIEWERS = requires_role(Role.REVIEWER, Role.APPROVER, Role.SALES)
DECIDERS = requires_role(Role.REVIEWER, Role.APPROVER)
# the revise form's line fields: ``rqty_<line>``, and the whole line (a product sold meanwhile)
REVISE_NAMES = {"line.quantity": "rqty_{n}", "line": "rline_{n}"}


def _amount(value: str | None) -> Decimal | None:
    """A filter amount typed in the reader's locale; one that is not a plain amount filters nothing."""
    try:
        return numbers.decimal(value) if value else None
    except numbers.NotANumber:
        return None


def _changes(form: Any) -> revision.Changes:
    """The revise form as typed values: the ``price_<line>`` and ``rqty_<line>`` families, fee, address, date."""
    typed, unreadable = read_fields(form, inputs.ReviseForm)
    prices, bad_prices = read_amounts(form, "price_", message=revision.MONEY, maximum=revision.MAX_MONEY)
    quantities, bad_quantities = read_quantities(form, "rqty_", message=revision.REMOVES, blank_is_zero=False)
    unread = set(form_ids(form, "price_")) - set(prices)  # such a line changes nothing, unless it is removed
    quantities = {i: q for i, q in quantities.items() if q == 0 or i not in unread}
    return revision.Changes(
        prices=prices,
        quantities=quantities,
        shipping_fee=typed.shipping_fee,
        promised_date=typed.promised_date,
        shipping_address_id=typed.shipping_address_id,
        new_address=inputs.new_address(form),
        # absent from the form keeps them; a blank tax ID clears it
        invoice_title=form_text(form, "invoice_title", limit=200) if "invoice_title" in form else None,
        tax_id=form_text(form, "tax_id", limit=100) if "tax_id" in form else None,
        unreadable={**unreadable, **bad_prices, **bad_quantities},
    )


async def _decide(
    request: Request, db: AsyncSession, number: str, verb: Callable[..., Awaitable[Any]], field: str
) -> Response | Template:
    """One decision whose form carries one text (``message`` or ``reason``): read it, call the verb."""

    async def decide(actor, order, form):  # noqa: ANN001, ANN202
        version = form_version(form)
        text = getattr(read_form(form, inputs.DecisionForm), field)
        await verb(db, actor, order, expected_version=version, **{field: text})

    return await act_on_order(request, db, number, decide, flash=_("Decision recorded."))


class ReviewController(Controller):
    path = "/staff"

    @get("/review", guards=[REVIEWERS])
    async def queue(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        order_state: Annotated[
            str | None, QueryParameter(name="state")
        ] = None,  # `state` is reserved by Litestar
        customer: FromQuery[str | None] = None,
        channel: FromQuery[str | None] = None,
        min_total: FromQuery[str | None] = None,
        max_total: FromQuery[str | None] = None,
        assignee: FromQuery[str | None] = None,
        after: FromQuery[str | None] = None,
    ) -> Template:
        filters = review_queue.ReviewFilter(
            state=order_state if order_state in OrderState.__members__.values() else "submitted",
            customer=numbers.ident(customer),
            channel=channel or None,
            min_total=_amount(min_total),
            max_total=_amount(max_total),
            assignee=assignee or None,
            after=after,
        )
        shown = await review_queue.review_page(db, filters, me=request.state.staff.user_id)
        return page(
            request,
            "staff/review/queue.html",
            block="queue",
            result=shown.result,
            filters=filters,
            customers=shown.customers,
            staff_members=shown.staff_members,
            sla_hours=shown.sla_hours,
        )

    @post("/orders/{number:str}/claim", guards=[REVIEWERS])
    async def claim(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response:
        actor = staff_actor(request)
        order = await service.load_order(db, actor, number=number)
        await service.claim(db, actor, order)
        if is_htmx(request):
            return Response(content="", status_code=200, headers={"HX-Trigger": "queue-changed"})
        return redirect(
            request, "/staff/review", flash=_("Order %(number)s is assigned to you.", number=number)
        )

    @post("/orders/{number:str}/approve", guards=[DECIDERS])
    async def approve(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        thresholds = (await config.load(db)).approval_thresholds

        async def decide(actor, order, form):  # noqa: ANN001, ANN202
            version = form_version(form)
            sent = read_form(form, inputs.ApprovalForm)
            await service.approve(
                db,
                actor,
                order,
                expected_version=version,
                note=sent.note,
                promised_date=revision.check_promised(sent.promised_date, today=clock.today()),
                thresholds=thresholds,
            )

        return await act_on_order(request, db, number, decide, flash=_("Decision recorded."))

    @post("/orders/{number:str}/request-changes", guards=[DECIDERS])
    async def request_changes(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        return await _decide(request, db, number, service.request_changes, "message")

    @post("/orders/{number:str}/reject", guards=[DECIDERS])
    async def reject(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        return await _decide(request, db, number, service.reject, "reason")

    @post("/orders/{number:str}/revise", guards=[REVIEWERS])
    async def revise(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        async def decide(actor, order, form):  # noqa: ANN001, ANN202
            await revision.revise(
                db,
                actor,
                order,
                _changes(form),
                expected_version=form_version(form),
                note=form_text(form, "note"),
            )

        return await act_on_order(
            request, db, number, decide, flash=_("Decision recorded."), field_names=REVISE_NAMES
        )

    @post("/orders/{number:str}/cancel", guards=[requires_role(Role.SALES, Role.REVIEWER, Role.APPROVER)])
    async def cancel(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        return await _decide(request, db, number, service.cancel, "reason")
