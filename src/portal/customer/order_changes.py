"""Changing an order the reviewer sent back, and ordering the same again."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.auth.guards import customer_required
from portal.customer.checkout import UPLOAD_LIMIT, upload_limits, uploads_of
from portal.domain.errors import ValidationFailed
from portal.domain.orders import amend, pages
from portal.domain.orders.attachments import ACCEPTED
from portal.domain.orders.pricing import policy_from
from portal.formatting import join_list
from portal.i18n import gettext as _
from portal.web import inputs
from portal.web.actors import customer_actor
from portal.web.forms import (
    form_id_options,
    form_text,
    form_version,
    read_quantities,
    read_rows,
    refused_form,
    row_names,
    typed_values,
)
from portal.web.templating import form_page, redirect

ADD_ROWS = (1, 2, 3)
# the lines' refusals beside their quantity or the whole line; the added products' beside ``add_sku_<n>``...
FIELD_NAMES = {"line.quantity": "qty_{n}", "line": "line_{n}", **row_names("add_")}


async def _amendment(form: Any) -> amend.Amendment:
    """The edit form as the domain reads it: checkout's fields, line changes and added products."""
    fields = inputs.order_form_fields(form)
    quantities, unreadable = read_quantities(form, "qty_", blank_is_zero=False)  # 0 removes the line
    return amend.Amendment(
        **{**fields, "unreadable": {**fields["unreadable"], **unreadable}},
        uploads=await uploads_of(form),
        quantities=quantities,
        specs=form_id_options(form, "spec_"),  # new option choices per line
        added=read_rows(form, ADD_ROWS, prefix="add_"),
        message=form_text(form, "message"),
        version=form_version(form),
    )


class OrderChangesController(Controller):
    path = "/orders"
    guards = [customer_required]

    async def _form(
        self,
        request: Request,
        db: AsyncSession,
        number: str,
        *,
        values: dict | None = None,
        **form_state: Any,
    ) -> Template:
        shown = await pages.edit_page(db, customer_actor(request), number, clock.today())
        order, addresses, current = shown.order, shown.addresses, shown.current_address
        defaults = {
            "requested_delivery_date": order.requested_delivery_date.isoformat()
            if order.requested_delivery_date
            else "",
            "invoice_title": order.invoice_title,
            "tax_id": order.tax_id,
            "special_requirements": order.special_requirements,
            "shipping_address_id": str(current.id)
            if current
            else (str(addresses[0].id) if addresses else "new"),
        }
        return form_page(
            request,
            "customer/orders/edit.html",
            order=shown.view,
            request_note=shown.request_note,
            addresses=addresses,
            values={**defaults, **(values or {})},
            earliest=shown.earliest,
            line_offers=shown.line_offers,
            attachments=shown.attachments,
            accepted=ACCEPTED,
            add_rows=ADD_ROWS,
            **form_state,
        )

    @get("/{number:str}/edit")
    async def edit_form(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template:
        return await self._form(request, db, number)

    @post("/{number:str}/edit", request_max_body_size=UPLOAD_LIMIT)
    async def edit(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        form = await request.form()
        data = await _amendment(form)
        try:
            await amend.amend_and_resubmit(
                db,
                customer_actor(request),
                number,
                data,
                policy=policy_from(request.app.state.settings),
                today=clock.today(),
                limits=upload_limits(request.app.state.settings),
            )
        except ValidationFailed as exc:
            return await refused_form(
                db,
                exc,
                partial(self._form, request, db, number),
                field_names=FIELD_NAMES,
                values=typed_values(form),
            )
        return redirect(
            request, f"/orders/{number}", flash=_("Your changes were sent; the order is back in review.")
        )

    @post("/{number:str}/reorder")
    async def reorder(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response:
        result = await amend.reorder(
            db, customer_actor(request), number, policy=policy_from(request.app.state.settings)
        )
        if result.skipped:
            message = _(
                "%(n)s lines copied into your cart. Not available any more: %(skus)s.",
                n=result.added,
                skus=join_list(result.skipped),
            )
            return redirect(
                request, "/cart", flash=message, category="error" if not result.added else "success"
            )
        return redirect(request, "/cart", flash=_("%(n)s lines copied into your cart.", n=result.added))
