"""Finance: the invoice list, one invoice with what settled it, credit notes and fapiao numbers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.auth.guards import requires_role
from portal.auth.roles import Role
from portal.db.billing import Invoice
from portal.domain.billing import credit_notes, invoices, views
from portal.domain.errors import ValidationFailed
from portal.domain.orders.actors import Actor
from portal.i18n import gettext as _
from portal.web import inputs
from portal.web.acting import apply_form
from portal.web.actors import staff_actor
from portal.web.downloads import CreditNotes, settlement_document
from portal.web.forms import read_quantities
from portal.web.readers import read_form
from portal.web.templating import page

FINANCE = requires_role(Role.FINANCE)
InvoiceStep = Callable[[Actor, Invoice, Any], Awaitable[str]]


class FinanceController(CreditNotes):
    path = "/staff/finance"
    guards = [FINANCE]

    @get("/invoices")
    async def list_invoices(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        status: FromQuery[str | None] = None,
        account: FromQuery[str | None] = None,
        overdue: FromQuery[str | None] = None,
        after: FromQuery[str | None] = None,
    ) -> Template:
        filters = views.InvoiceFilter.from_query(status, after, account=account, overdue=overdue)
        shown = await views.finance_list(db, staff_actor(request), filters)
        return page(
            request,
            "staff/finance/invoices.html",
            block="results",
            result=shown.result,
            accounts=shown.accounts,
            filters=filters,
        )

    async def _invoice_page(
        self,
        request: Request,
        db: AsyncSession,
        number: str,
        *,
        status_code: int = 200,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
    ) -> Template | Response:
        return await settlement_document(
            request,
            db,
            staff_actor(request),
            "invoice",
            number,
            template="staff/finance/invoice.html",
            status_code=status_code,
            errors=errors or {},
            values=values or {},
            today=clock.today(),
        )

    @get("/invoices/{number:str}")
    async def invoice(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template | Response:
        """The invoice with its payments, credit notes and fapiao numbers; ``….pdf`` the PDF."""
        return await self._invoice_page(request, db, number)

    async def _act(
        self, request: Request, db: AsyncSession, number: str, step: InvoiceStep
    ) -> Response | Template:
        """Load the invoice, apply one finance form to it; a refused form re-renders the page (422)."""
        actor = staff_actor(request)
        invoice = await invoices.load_invoice(db, actor, number)
        render = partial(self._invoice_page, request, db, number)
        to = f"/staff/finance/invoices/{number}"
        return await apply_form(request, db, partial(step, actor, invoice), render=render, to=to)

    @post("/invoices/{number:str}/credit-notes")
    async def credit(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        """Issue a credit note: units of the invoice lines (``cn_qty_<line>``) or an amount, and a reason."""

        async def step(actor: Actor, invoice: Invoice, form: Any) -> str:
            sent = read_form(form, inputs.CreditNoteForm)
            units, unreadable = read_quantities(form, credit_notes.LINE_FIELD)
            if unreadable:
                raise ValidationFailed(unreadable)
            note = await credit_notes.issue_credit_note(
                db, invoice, lines=units, amount=sent.cn_amount, reason=sent.reason, actor=actor
            )
            return _("Credit note %(number)s issued.", number=note.number)

        return await self._act(request, db, number, step)

    @post("/invoices/{number:str}/fapiao")
    async def fapiao(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        """Record an official fapiao issued in the tax system for this invoice."""

        async def step(actor: Actor, invoice: Invoice, form: Any) -> str:
            sent = read_form(form, inputs.FapiaoForm)
            data = invoices.FapiaoInput(sent.fapiao_number, sent.fapiao_type, sent.issued_on)
            await invoices.record_fapiao(db, actor, invoice, data)
            return _("Fapiao number recorded.")

        return await self._act(request, db, number, step)

    reader = staticmethod(staff_actor)  # who reads the credit notes (CreditNotes)
    credit_note_template = "staff/finance/credit_note.html"
