"""The order confirmation for the customer: read it, download it as PDF, accept and sign, or decline."""

from __future__ import annotations

from functools import partial

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import customer_required
from portal.domain.errors import NotFound, ValidationFailed
from portal.domain.orders import confirmation, confirmation_docs, service
from portal.domain.orders.confirmation_pdf import render_pdf, seller_from
from portal.i18n import gettext as _
from portal.web import inputs
from portal.web.actors import customer_actor
from portal.web.downloads import pdf_download
from portal.web.forms import refused_form
from portal.web.readers import read_form
from portal.web.templating import page, redirect


async def _versions(request: Request, db: AsyncSession, number: str):  # noqa: ANN202
    order = await service.load_order(db, customer_actor(request), number=number)  # scoped: 404 for others
    docs = await confirmation_docs.versions(db, order.id)
    if not docs:
        raise NotFound()
    return order, docs


class ConfirmationController(Controller):
    path = "/orders"
    guards = [customer_required]

    async def _page(
        self,
        request: Request,
        db: AsyncSession,
        number: str,
        *,
        status_code: int = 200,
        errors: dict[str, str] | None = None,
        values: dict | None = None,
    ) -> Template:
        order, docs = await _versions(request, db, number)
        current = docs[0]
        earlier = next((d for d in docs[1:]), None)
        changes = confirmation_docs.differences(earlier.snapshot, current.snapshot) if earlier else []
        return page(
            request,
            "customer/orders/confirmation.html",
            status_code=status_code,
            doc=current,
            snapshot=current.snapshot,
            previous=earlier,
            changes=changes,
            order_status=order.status,
            errors=errors or {},
            values=values or {},
        )

    @get("/{number:str}/confirmation")
    async def show(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template:
        return await self._page(request, db, number)

    @get("/{number:str}/confirmation.pdf")
    async def pdf(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response:
        _order, docs = await _versions(request, db, number)
        seller = seller_from(request.app.state.settings)
        body = render_pdf(docs[0], locale=request.state.locale, seller=seller)
        return pdf_download(body, f"{number}-v{docs[0].version}.pdf")

    @post("/{number:str}/confirmation/accept")
    async def accept(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        actor = customer_actor(request)
        order = await service.load_order(db, actor, number=number)
        form = await request.form()
        sent = read_form(form, inputs.AcceptForm)
        signature = confirmation.Signature(
            signer_name=sent.signer_name,
            agree=sent.agree,
            document_hash=sent.document_hash,
            user_agent=request.headers.get("user-agent", ""),
        )
        try:
            await confirmation.accept(db, actor, order, signature)
        except ValidationFailed as exc:
            values = {"signer_name": signature.signer_name}
            return await refused_form(db, exc, partial(self._page, request, db, number), values=values)
        return redirect(request, f"/orders/{number}", flash=_("Thank you: the order is confirmed."))

    @post("/{number:str}/confirmation/decline")
    async def decline(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        actor = customer_actor(request)
        order = await service.load_order(db, actor, number=number)
        sent = read_form(await request.form(), inputs.DeclineForm)
        try:
            await confirmation.decline(db, actor, order, reason=sent.reason, document_hash=sent.document_hash)
        except ValidationFailed as exc:
            return await refused_form(db, exc, partial(self._page, request, db, number))
        return redirect(
            request,
            f"/orders/{number}",
            flash=_("You declined the confirmation. Our team will revise the order and get back to you."),
        )
