"""The cart: add, change and remove lines — with htmx without a reload, and as plain forms."""

from __future__ import annotations

from functools import partial

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import customer_required
from portal.domain.errors import ValidationFailed
from portal.domain.orders import cart, cart_read, line_rule
from portal.domain.orders.pricing import policy_from
from portal.i18n import gettext as _
from portal.web.actors import customer_actor
from portal.web.forms import form_options, form_text, line_input, refused_form
from portal.web.templating import is_htmx, page, redirect

# the add form: one product by SKU, its quantity and one ``spec_<option>`` choice per option
ADD_NAMES = {"row.product": "sku", "row.quantity": "quantity", "row.spec": "spec_{option}"}


class CartController(Controller):
    path = "/cart"
    guards = [customer_required]

    async def _page(
        self,
        request: Request,
        db: AsyncSession,
        *,
        status_code: int = 200,
        errors: dict[str, str] | None = None,
    ) -> Template:
        read = await cart_read.cart_page(db, customer_actor(request))
        return page(
            request,
            "customer/cart.html",
            block="cart",
            status_code=status_code,
            cart=read.cart,
            refused=read.refused,  # told before checkout refuses them
            errors=errors or {},
        )

    @get("/")
    async def show(self, request: Request, db: NamedDependency[AsyncSession]) -> Template:
        return await self._page(request, db)

    @post("/lines")
    async def add(self, request: Request, db: NamedDependency[AsyncSession]) -> Response | Template:
        form = await request.form()
        wanted = line_input(
            0,
            form_text(form, "sku", limit=40),
            form_text(form, "quantity", limit=20),
            form_options(form, "spec_"),
        )
        try:
            order = await cart.add_line(
                db, customer_actor(request), line=wanted, policy=policy_from(request.app.state.settings)
            )
        except ValidationFailed as exc:
            if is_htmx(request):
                added = partial(page, request, "customer/_added.html")
                return await refused_form(db, exc, added, field_names=ADD_NAMES, cart=None)
            return await refused_form(db, exc, partial(self._page, request, db), field_names=ADD_NAMES)
        if is_htmx(request):
            return page(request, "customer/_added.html", cart=order, errors={})
        return redirect(request, "/cart", flash=_("Added to your cart."))

    @post("/lines/{line_id:int}")
    async def change(
        self, request: Request, db: NamedDependency[AsyncSession], line_id: FromPath[int]
    ) -> Response | Template:
        form = await request.form()
        try:
            await cart.change_line(
                db,
                customer_actor(request),
                line_id=line_id,
                quantity=line_rule.quantity(form_text(form, "quantity", limit=20), allow_zero=True),
                policy=policy_from(request.app.state.settings),
            )
        except ValidationFailed as exc:  # the message shows beside the line
            beside = ValidationFailed(
                {f"line_{line_id}": v for v in exc.errors.values()},
                per_field={f"line_{line_id}": exc.params_of(k) for k in exc.errors},
            )
            return await refused_form(db, beside, partial(self._page, request, db))
        if is_htmx(request):
            return await self._page(request, db)
        return redirect(request, "/cart")
