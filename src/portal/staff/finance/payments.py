"""Finance: payments received (收款) — the list, recording one, allocating it (核销), reversing it — and
the accounts holding unapplied credit."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.auth.guards import requires_role
from portal.auth.roles import Role
from portal.domain.billing import payment_views, payments
from portal.domain.billing.credit_notes import AMOUNT
from portal.domain.errors import ValidationFailed
from portal.domain.orders import queries
from portal.i18n import gettext as _
from portal.web import inputs
from portal.web.acting import FormStep, apply_form
from portal.web.actors import staff_actor
from portal.web.forms import read_amounts, refused_form, typed_values
from portal.web.readers import read_fields, read_form
from portal.web.templating import form_page, page, redirect

BASE = "/staff/finance"


class PaymentsController(Controller):
    path = BASE
    guards = [requires_role(Role.FINANCE)]

    @get("/payments")
    async def list_payments(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        account: FromQuery[str | None] = None,
        open: FromQuery[str | None] = None,  # noqa: A002 - the filter's name in the URL
        after: FromQuery[str | None] = None,
    ) -> Template:
        filters = payment_views.PaymentFilter(
            account_id=queries.as_id(account), open_only=open == "1", after=after
        )
        shown = await payment_views.payment_list(db, filters)
        return page(
            request,
            "staff/finance/payments.html",
            block="results",
            result=shown.result,
            accounts=shown.accounts,
            filters=filters,
        )

    async def _new_form(
        self,
        request: Request,
        db: AsyncSession,
        *,
        values: dict[str, str] | None = None,
        **form_state: Any,
    ) -> Template:
        defaults = {"received_on": clock.today().isoformat(), "method": "bank_transfer"}
        return form_page(
            request,
            "staff/finance/payment_new.html",
            accounts=await payment_views.account_choices(db),
            values={**defaults, **(values or {})},
            today=clock.today(),
            **form_state,
        )

    @get("/payments/new")
    async def new_payment(
        self, request: Request, db: NamedDependency[AsyncSession], account: FromQuery[str | None] = None
    ) -> Template:
        """The form to record a payment; ``?account=<id>`` chooses the account."""
        chosen = queries.as_id(account)
        return await self._new_form(request, db, values={"account_id": str(chosen)} if chosen else {})

    @post("/payments")
    async def record(self, request: Request, db: NamedDependency[AsyncSession]) -> Response | Template:
        """Record a payment; its page then allocates it."""
        form = await request.form()
        sent, _unreadable = read_fields(
            form, inputs.PaymentForm
        )  # None where unreadable: the domain says why
        try:
            data = payments.PaymentInput(
                sent.account_id, sent.received_on, sent.amount, sent.method, sent.reference, sent.note
            )
            payment = await payments.record_payment(db, staff_actor(request), data)
        except ValidationFailed as exc:
            return await refused_form(
                db, exc, partial(self._new_form, request, db), values=typed_values(form)
            )
        return redirect(
            request,
            f"{BASE}/payments/{payment.id}",
            flash=_("Payment recorded: now allocate it to invoices."),
        )

    async def _detail(
        self,
        request: Request,
        db: AsyncSession,
        payment_id: int,
        **form_state: Any,
    ) -> Template:
        detail = await payment_views.payment_detail(db, staff_actor(request), payment_id)
        return form_page(
            request,
            "staff/finance/payment.html",
            detail=detail,
            **form_state,
        )

    @get("/payments/{payment_id:int}")
    async def payment(
        self, request: Request, db: NamedDependency[AsyncSession], payment_id: FromPath[int]
    ) -> Template:
        """One payment: its allocations, the account's open invoices to allocate it to, its reversal."""
        return await self._detail(request, db, payment_id)

    async def _act(
        self, request: Request, db: AsyncSession, payment_id: int, step: FormStep
    ) -> Response | Template:
        """Apply one form to the payment; a refused form re-renders its page (422)."""
        render = partial(self._detail, request, db, payment_id)
        return await apply_form(request, db, step, render=render, to=f"{BASE}/payments/{payment_id}")

    @post("/payments/{payment_id:int}/allocations")
    async def allocate(
        self, request: Request, db: NamedDependency[AsyncSession], payment_id: FromPath[int]
    ) -> Response | Template:
        """Allocate the payment: an amount per invoice (``alloc_<invoice id>``; blank: nothing)."""

        async def step(form: Any) -> str:
            wanted, unreadable = read_amounts(form, payments.ALLOC_FIELD, message=AMOUNT, skip_blank=True)
            if unreadable:
                raise ValidationFailed(unreadable)
            await payments.allocate(db, staff_actor(request), payment_id, wanted)
            return _("Payment allocated.")

        return await self._act(request, db, payment_id, step)

    @post("/payments/{payment_id:int}/reverse")
    async def reverse(
        self, request: Request, db: NamedDependency[AsyncSession], payment_id: FromPath[int]
    ) -> Response | Template:
        """Reverse the payment by a reversing entry, with a reason."""

        async def step(form: Any) -> str:
            sent = read_form(form, inputs.ReversalForm)
            await payments.reverse_payment(db, staff_actor(request), payment_id, sent.reason)
            return _("Payment reversed.")

        return await self._act(request, db, payment_id, step)

    @get("/credit")
    async def credit(self, request: Request, db: NamedDependency[AsyncSession]) -> Template:
        """The accounts holding unapplied credit."""
        return page(request, "staff/finance/credit.html", credits=await payment_views.unapplied_credit(db))
