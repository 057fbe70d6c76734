"""Administration of the catalog: product list, create and edit."""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal import numbers
from portal.domain.catalog import product_edits as products
from portal.domain.catalog.categories import CATEGORY_LABELS
from portal.domain.errors import ValidationFailed
from portal.i18n import gettext as _
from portal.staff.admin.common import ADMIN_ONLY, form_values, list_handler
from portal.web.actors import staff_actor
from portal.web.forms import refused_form
from portal.web.templating import form_page, redirect

BASE = "/staff/admin/products"


def _form(
    request: Request,
    *,
    values: dict[str, str],
    product_id: int | None = None,
    sku: str = "",
    **form_state: Any,
) -> Template:
    return form_page(
        request,
        "staff/admin/products/form.html",
        values=values,
        product_id=product_id,
        sku=sku,
        categories=list(CATEGORY_LABELS),
        **form_state,
    )


def _stock_seen(form: Any) -> int | None:
    """The stock the editor saw when the page was drawn (None: not sent, the check is skipped)."""
    try:
        return numbers.whole(form.get("stock_seen", ""))
    except numbers.NotANumber:
        return None


class AdminProductsController(Controller):
    path = BASE
    guards = ADMIN_ONLY

    index = list_handler("staff/admin/products/list.html", rows="products", read=products.list_products)

    @get("/new")
    async def new(self, request: Request) -> Template:
        return _form(request, values=products.product_values(None))

    @post("/")
    async def create(self, request: Request, db: NamedDependency[AsyncSession]) -> Response | Template:
        values = form_values(await request.form(), products.FORM_FIELDS)
        try:
            data = products.parse_product(values, creating=True)
            product = await products.create_product(db, staff_actor(request), data=data)
        except ValidationFailed as exc:
            return await refused_form(db, exc, partial(_form, request), values=values)
        return redirect(request, f"{BASE}/{product.id}", flash=_("Product %(sku)s created.", sku=product.sku))

    @get("/{product_id:int}")
    async def edit(
        self, request: Request, db: NamedDependency[AsyncSession], product_id: FromPath[int]
    ) -> Template:
        product = await products.get_product(db, product_id)
        return _form(request, values=products.product_values(product), product_id=product.id, sku=product.sku)

    @post("/{product_id:int}")
    async def update(
        self, request: Request, db: NamedDependency[AsyncSession], product_id: FromPath[int]
    ) -> Response | Template:
        form = await request.form()
        values = form_values(form, products.FORM_FIELDS)
        try:
            data = products.parse_product(values, creating=False)
            product = await products.update_product(
                db,
                staff_actor(request),
                product_id=product_id,
                data=data,
                stock_seen=_stock_seen(form),
            )
        except ValidationFailed as exc:

            async def product_form(**context: object) -> Template:
                product = await products.get_product(db, product_id)  # as it is, after the rollback
                return _form(request, product_id=product.id, sku=product.sku, **context)

            return await refused_form(db, exc, product_form, values=values)
        return redirect(request, f"{BASE}/{product.id}", flash=_("Product %(sku)s saved.", sku=product.sku))
