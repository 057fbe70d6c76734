"""Checkout: address, requested date, invoice details, attachments — then the order is placed once."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.auth.guards import customer_required
from portal.domain.errors import ValidationFailed
from portal.domain.orders import pages
from portal.domain.orders.attachments import ACCEPTED, Upload
from portal.domain.orders.checkout import CheckoutInput, Limits, checkout
from portal.domain.orders.pricing import policy_from
from portal.i18n import gettext as _
from portal.web import inputs
from portal.web.actors import customer_actor
from portal.web.forms import refused_form, typed_values
from portal.web.templating import form_page, redirect

UPLOAD_LIMIT = 5 * 10 * 1024 * 1024 + 1024 * 1024  # five 10 MB files and the form around them
LINE_NAMES = {"line": "line_{n}"}  # a cart line the rule refuses is listed above the form


def upload_limits(settings: Any) -> Limits:
    """Where attachments are kept and how many and how large they may be."""
    return Limits(
        storage=settings.data_dir / "attachments",
        max_files=settings.attachments_max,
        max_bytes=settings.attachment_max_bytes,
    )


async def uploads_of(form: Any) -> list[Upload]:
    """The files of the form's ``attachments`` field that carry a name."""
    return [
        Upload(f.filename, await f.read())
        for f in form.getall("attachments", [])
        if isinstance(f, UploadFile) and f.filename
    ]


class CheckoutController(Controller):
    path = "/checkout"
    guards = [customer_required]

    async def _form(
        self,
        request: Request,
        db: AsyncSession,
        *,
        values: dict | None = None,
        **form_state: Any,
    ) -> Template | Response:
        shown = await pages.checkout_page(db, customer_actor(request), clock.today())
        if shown is None:
            return redirect(request, "/cart", flash=_("Your cart is empty."), category="error")
        order, account, addresses, earliest = shown.cart, shown.account, shown.addresses, shown.earliest
        defaults = {
            "invoice_title": order.invoice_title or account.invoice_title or account.name,
            "tax_id": order.tax_id or account.tax_id,
            "requested_delivery_date": earliest.day.isoformat(),
            "shipping_address_id": str(addresses[0].id) if addresses else "new",
            "idempotency_key": uuid.uuid4().hex,
        }
        return form_page(
            request,
            "customer/checkout.html",
            cart=order,
            account=account,
            addresses=addresses,
            earliest=earliest,
            values={**defaults, **(values or {})},
            accepted=ACCEPTED,
            **form_state,
        )

    @get("/")
    async def show(self, request: Request, db: NamedDependency[AsyncSession]) -> Template | Response:
        return await self._form(request, db)

    @post("/", request_max_body_size=UPLOAD_LIMIT)
    async def submit(self, request: Request, db: NamedDependency[AsyncSession]) -> Template | Response:
        form = await request.form()
        data = CheckoutInput(**inputs.order_form_fields(form), uploads=await uploads_of(form))
        settings = request.app.state.settings
        limits = upload_limits(settings)
        try:
            number = await checkout(
                db,
                customer_actor(request),
                data,
                policy=policy_from(settings),
                today=clock.today(),
                limits=limits,
            )
        except ValidationFailed as exc:
            return await refused_form(
                db, exc, partial(self._form, request, db), field_names=LINE_NAMES, values=typed_values(form)
            )
        return redirect(
            request,
            f"/orders/{number}",
            flash=_("Thank you! Your order %(number)s has been placed.", number=number),
        )
