"""The order confirmation for the customer: read it, download it as PDF, accept and sign, or decline."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import customer_required
from portal.customer.orders import act_on_order
from portal.db.orders import Order
from portal.domain.errors import NotFound
from portal.domain.orders import confirmation, confirmation_docs, service
from portal.domain.orders.actors import Actor
from portal.domain.orders.confirmation_pdf import render_pdf, seller_from
from portal.i18n import gettext as _
from portal.web import inputs
from portal.web.actors import customer_actor
from portal.web.downloads import pdf_download
from portal.web.readers import read_form
from portal.web.templating import form_page


async def _versions(request: Request, db: AsyncSession, number: str):  # noqa: ANN202
    order = await service.load_order(db, customer_actor(request), number=number)  # scoped: 404 for others
    docs = await confirmation_docs.versions(db, order.id)
    if not docs:
        raise NotFound()
    return order, docs


def _typed_name(form: Any) -> dict[str, str]:
    """What a refused signature keeps: the signer's name as read."""
    return {"signer_name": read_form(form, inputs.AcceptForm).signer_name}


async def _page(
    request: Request,
    db: AsyncSession,
    number: str,
    **form_state: Any,
) -> Template:
    """The current confirmation, what changed since the one before, and its sign and decline forms."""
    order, docs = await _versions(request, db, number)
    current = docs[0]
    earlier = next((d for d in docs[1:]), None)
    changes = confirmation_docs.differences(earlier.snapshot, current.snapshot) if earlier else []
    return form_page(
        request,
        "customer/orders/confirmation.html",
        doc=current,
        snapshot=current.snapshot,
        previous=earlier,
        changes=changes,
        order_status=order.status,
        **form_state,
    )


class ConfirmationController(Controller):
    path = "/orders"
    guards = [customer_required]

    @get("/{number:str}/confirmation")
    async def show(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template:
        return await _page(request, db, number)

    @get("/{number:str}/confirmation.pdf")
    async def pdf(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response:
        _order, docs = await _versions(request, db, number)
        seller = seller_from(request.app.state.settings, request.state.locale)
        body = render_pdf(docs[0], locale=request.state.locale, seller=seller)
        return pdf_download(body, f"{number}-v{docs[0].version}.pdf")

    @post("/{number:str}/confirmation/accept")
    async def accept(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        user_agent = request.headers.get("user-agent", "")

        async def sign(actor: Actor, order: Order, form: Any) -> None:
            sent = read_form(form, inputs.AcceptForm)
            signature = confirmation.Signature(sent.signer_name, sent.agree, sent.document_hash, user_agent)
            await confirmation.accept(db, actor, order, signature)

        flash = _("Thank you: the order is confirmed.")
        return await act_on_order(request, db, number, sign, view=_page, flash=flash, values=_typed_name)

    @post("/{number:str}/confirmation/decline")
    async def decline(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        flash = _("You declined the confirmation. Our team will revise the order and get back to you.")

        async def refuse(actor: Actor, order: Order, form: Any) -> None:
            sent = read_form(form, inputs.DeclineForm)
            await confirmation.decline(db, actor, order, reason=sent.reason, document_hash=sent.document_hash)

        return await act_on_order(request, db, number, refuse, view=_page, flash=flash)
