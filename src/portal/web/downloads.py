"""Serving stored attachments and generated PDFs: always as a download, never rendered inline by the browser."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, ClassVar

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import File, Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock, i18n
from portal.db.aftersales import AftersalesPhoto
from portal.db.orders import OrderAttachment
from portal.domain import images
from portal.domain.aftersales import cases
from portal.domain.billing import documents
from portal.domain.billing.archive import ArchiveContents, archive_zip
from portal.domain.billing.pdf import render_credit_note_pdf, render_invoice_pdf
from portal.domain.billing.statement import Period, Statement
from portal.domain.billing.statement_files import render_statement_pdf, statement_csv
from portal.domain.exports import CSV_TYPE
from portal.domain.orders import attachments
from portal.domain.orders.actors import Actor
from portal.domain.pdf import seller_from
from portal.web.forms import query_day
from portal.web.templating import page

PDF = ".pdf"
# the statement of account's query: ?from=2026-11-01&to=2026-11-30&format=pdf
FromDay = Annotated[str | None, QueryParameter(name="from", required=False)]
ToDay = Annotated[str | None, QueryParameter(name="to", required=False)]
Format = Annotated[str | None, QueryParameter(name="format", required=False)]


def stored_file(path: Path | None, filename: str, media_type: str) -> File:
    """A stored file at ``path`` as a private download named ``filename``, never shown inline
    (nosniff: on every response, ``web.security``); None (not stored) is 404."""
    if path is None:
        raise NotFoundException()
    return File(
        path=path,
        filename=filename,
        media_type=media_type,
        content_disposition_type="attachment",
        headers={"Cache-Control": "private, no-store"},
    )


def download(request: Request, attachment: OrderAttachment) -> File:
    """An order attachment as a download; a key outside the attachments folder, or no file, is 404."""
    root = (request.app.state.settings.data_dir / "attachments").resolve()
    path = (root / attachment.storage_key).resolve()
    found = path if root in path.parents and path.is_file() else None
    return stored_file(found, attachment.filename, attachment.content_type)


def photo_download(request: Request, photo: AftersalesPhoto) -> File:
    """A re-encoded case photo (``domain.images``), as a download like every stored file."""
    path = images.stored_path(cases.photo_root(request.app.state.settings.data_dir), photo.storage_key)
    return stored_file(path, photo.filename, photo.content_type)


class CasePhotos(Controller):
    """``<path>/{number}/photos/{photo_id}``: one photo of ``number`` (an order's cases, a ticket, a
    return) that the reader may see, as a download; 404 otherwise, like a missing one.

    A door's controller inherits it and names its reader and finder: ``reader = staticmethod(<actor of
    a request>)``, ``find_photo = staticmethod(<(db, actor, number=, photo_id=) -> AftersalesPhoto>)``.
    """

    reader: ClassVar[Callable[[Request], Actor]]
    find_photo: ClassVar[Callable[..., Awaitable[AftersalesPhoto]]]

    @get("/{number:str}/photos/{photo_id:int}")
    async def case_photo(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        number: FromPath[str],
        photo_id: FromPath[int],
    ) -> File:
        found = await self.find_photo(db, self.reader(request), number=number, photo_id=photo_id)
        return photo_download(request, found)


class OrderAttachments(CasePhotos):
    """``<path>/{number}/attachments/{attachment_id}``: one attachment of an order the reader may see;
    ``<path>/{number}/photos/{photo_id}``: one photo of one of its after-sales cases.

    A door's order controller inherits it and names its reader, ``reader = staticmethod(<actor of a
    request>)``; an attachment of an order that reader may not see is 404, like a missing one.
    """

    find_photo = staticmethod(cases.find_photo)

    @get("/{number:str}/attachments/{attachment_id:int}")
    async def attachment(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        number: FromPath[str],
        attachment_id: FromPath[int],
    ) -> File:
        found = await attachments.find(db, self.reader(request), number=number, attachment_id=attachment_id)
        return download(request, found)


class CreditNotes(Controller):
    """``<path>/credit-notes/{number}``: a credit note the reader may see, its page, or ``….pdf`` its PDF.

    A door's controller inherits it and names its reader, ``reader = staticmethod(<actor of a
    request>)``, and the page, ``credit_note_template``; another account's credit note is 404.
    """

    reader: ClassVar[Callable[[Request], Actor]]
    credit_note_template: ClassVar[str]

    @get("/credit-notes/{number:str}")
    async def credit_note(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template | Response:
        """``/credit-notes/CN-2026-000001`` is the page, ``….pdf`` the PDF."""
        template = self.credit_note_template
        return await settlement_document(
            request, db, self.reader(request), "credit_note", number, template=template
        )


def file_download(body: bytes, filename: str, media_type: str) -> Response:
    """A generated file (PDF, CSV, ZIP) as a private download named ``filename`` (ASCII)."""
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def pdf_download(body: bytes, filename: str) -> Response:
    """A generated PDF (confirmation, invoice, credit note) as a private download named ``filename``."""
    return file_download(body, filename, "application/pdf")


def document_or_pdf(
    request: Request,
    requested: str,
    doc: object,
    *,
    render_pdf: Callable[..., bytes],
    template: str,
    **context: Any,
) -> Template | Response:
    """A settlement document: ``requested`` ending in ``.pdf`` downloads it, anything else is its page.

    ``render_pdf(doc, locale=..., seller=...)`` draws it; the page gets ``doc`` and ``seller`` too.
    """
    seller = seller_from(request.app.state.settings, request.state.locale)
    if requested.endswith(PDF):
        return pdf_download(render_pdf(doc, locale=request.state.locale, seller=seller), requested)
    return page(request, template, doc=doc, seller=seller, **context)


def document_number(requested: str) -> str:
    """The document number of ``/invoices/INV-2026-000001`` or ``/invoices/INV-2026-000001.pdf``."""
    return requested.removesuffix(PDF)


# a settlement document's kind -> (its read as an actor may see it, its PDF)
SETTLEMENT_DOCUMENTS: dict[str, tuple[Callable[..., Awaitable[Any]], Callable[..., bytes]]] = {
    "invoice": (documents.invoice_document, render_invoice_pdf),
    "credit_note": (documents.credit_note_document, render_credit_note_pdf),
}


async def settlement_document(
    request: Request,
    db: AsyncSession,
    actor: Actor,
    kind: str,
    requested: str,
    *,
    template: str,
    **context: Any,
) -> Template | Response:
    """The invoice or credit note (``kind``: "invoice", "credit_note") ``requested`` as ``actor`` may read
    it: ``INV-2026-000001`` its page (``template`` with ``context``), ``INV-2026-000001.pdf`` its PDF
    (``document_or_pdf``); another account's, or none: NotFound."""
    read, render_pdf = SETTLEMENT_DOCUMENTS[kind]
    doc = await read(db, actor, document_number(requested))
    return document_or_pdf(request, requested, doc, render_pdf=render_pdf, template=template, **context)


def statement_response(
    request: Request, st: Statement, *, requested: str | None, template: str, **context: Any
) -> Template | Response:
    """A statement of account: ``requested`` "pdf" or "csv" downloads it, anything else is its page."""
    locale = request.state.locale
    name = f"statement-{st.account_id}-{st.period.start.isoformat()}-{st.period.end.isoformat()}"
    if requested == "pdf":
        seller = seller_from(request.app.state.settings, request.state.locale)
        return pdf_download(render_statement_pdf(st, locale=locale, seller=seller), f"{name}.pdf")
    if requested == "csv":
        return file_download(statement_csv(st, locale=locale), f"{name}.csv", CSV_TYPE)
    return page(request, template, st=st, **context)


def statement_period(from_day: str | None, to_day: str | None) -> Period:
    """The period a statement URL asks for; unreadable dates fall back to this month so far."""
    return Period.of(query_day(from_day), query_day(to_day), clock.today())


def archive_download(request: Request, contents: ArchiveContents) -> Response:
    """The order's archive as a ZIP in the reader's language, the delivery note as the page prints it."""
    locale = request.state.locale
    note = None
    if contents.print_documents is not None:
        template = request.app.template_engine.engine.get_template("documents/delivery_note.html")
        with i18n.using_locale(locale):
            docs = contents.print_documents
            note = template.render(docs=docs, order=docs.order, locale=locale, audience=contents.audience)
    seller = seller_from(request.app.state.settings, request.state.locale)
    body = archive_zip(contents, locale=locale, seller=seller, delivery_note=note)
    return file_download(body, f"{contents.number}-archive.zip", "application/zip")
