"""The account's invoices and credit notes: the list, each document as a page and as a PDF."""

from __future__ import annotations

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import customer_required
from portal.domain.billing import views
from portal.web.actors import customer_actor
from portal.web.downloads import CreditNotes, settlement_document
from portal.web.templating import page


class InvoicesController(CreditNotes):
    guards = [customer_required]

    @get("/invoices")
    async def list_invoices(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        status: FromQuery[str | None] = None,
        after: FromQuery[str | None] = None,
    ) -> Template:
        filters = views.InvoiceFilter.from_query(status, after)
        result = await views.invoice_list(db, customer_actor(request), filters)
        return page(
            request,
            "customer/invoices/list.html",
            block="invoice_list",
            invoices=result.rows,
            next_after=result.next_after,
            filters=filters,
        )

    @get("/invoices/{number:str}")
    async def invoice(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template | Response:
        """``/invoices/INV-2026-000001`` is the page, ``/invoices/INV-2026-000001.pdf`` the PDF."""
        actor = customer_actor(request)
        return await settlement_document(
            request, db, actor, "invoice", number, template="customer/invoices/invoice.html"
        )

    reader = staticmethod(customer_actor)  # who reads the credit notes (CreditNotes)
    credit_note_template = "customer/invoices/credit_note.html"
