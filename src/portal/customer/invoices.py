"""The account's invoices and credit notes: the list, each document as a page and as a PDF."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import customer_required
from portal.domain.billing import documents, views
from portal.domain.billing.pdf import render_credit_note_pdf, render_invoice_pdf
from portal.web.actors import customer_actor
from portal.web.downloads import document_number, document_or_pdf
from portal.web.templating import page


class InvoicesController(Controller):
    guards = [customer_required]

    @get("/invoices")
    async def list_invoices(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        status: FromQuery[str | None] = None,
        after: FromQuery[str | None] = None,
    ) -> Template:
        filters = views.InvoiceFilter(status=status if status in views.STATUS_LABELS else None, after=after)
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
        doc = await documents.invoice_document(db, customer_actor(request), document_number(number))
        return document_or_pdf(
            request, number, doc, render_pdf=render_invoice_pdf, template="customer/invoices/invoice.html"
        )

    @get("/credit-notes/{number:str}")
    async def credit_note(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template | Response:
        """``/credit-notes/CN-2026-000001`` is the page, ``….pdf`` the PDF."""
        doc = await documents.credit_note_document(db, customer_actor(request), document_number(number))
        return document_or_pdf(
            request,
            number,
            doc,
            render_pdf=render_credit_note_pdf,
            template="customer/invoices/credit_note.html",
        )
