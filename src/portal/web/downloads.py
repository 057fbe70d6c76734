"""Serving stored attachments and generated PDFs: always as a download, never rendered inline by the browser."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File, Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.orders import OrderAttachment
from portal.domain.orders import attachments
from portal.domain.orders.actors import Actor
from portal.domain.pdf import seller_from
from portal.web.templating import page

PDF = ".pdf"


def download(request: Request, attachment: OrderAttachment) -> File:
    root = (request.app.state.settings.data_dir / "attachments").resolve()
    path = (root / attachment.storage_key).resolve()
    if root not in path.parents or not path.is_file():
        raise NotFoundException()
    return File(
        path=path,
        filename=attachment.filename,
        media_type=attachment.content_type,
        content_disposition_type="attachment",
        headers={"Cache-Control": "private, no-store"},
    )


class OrderAttachments(Controller):
    """``<path>/{number}/attachments/{attachment_id}``: one attachment of an order the reader may see.

    A door's order controller inherits it and names its reader, ``reader = staticmethod(<actor of a
    request>)``; an attachment of an order that reader may not see is 404, like a missing one.
    """

    reader: ClassVar[Callable[[Request], Actor]]

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


def pdf_download(body: bytes, filename: str) -> Response:
    """A generated PDF (confirmation, invoice, credit note) as a private download named ``filename``."""
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


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
    seller = seller_from(request.app.state.settings)
    if requested.endswith(PDF):
        return pdf_download(render_pdf(doc, locale=request.state.locale, seller=seller), requested)
    return page(request, template, doc=doc, seller=seller, **context)


def document_number(requested: str) -> str:
    """The document number of ``/invoices/INV-2026-000001`` or ``/invoices/INV-2026-000001.pdf``."""
    return requested.removesuffix(PDF)
