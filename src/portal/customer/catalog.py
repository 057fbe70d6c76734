"""The catalog as a signed-in buyer sees it: search, category filter and product pages, at the account's prices."""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import customer_required
from portal.domain.catalog.products import offer_by_sku
from portal.domain.catalog.search import MAX_QUERY_LENGTH, catalog_page
from portal.domain.errors import NotFound
from portal.web.templating import is_htmx, page

MAX_SKU_LENGTH = 40  # products.sku is String(40)


def catalog_url(*, q: str = "", category: str = "", after: str = "") -> str:
    """A link to a catalog page that keeps the search and filter."""
    params = {k: v for k, v in (("q", q), ("category", category), ("after", after)) if v}
    return "/catalog?" + urlencode(params) if params else "/catalog"


class CatalogController(Controller):
    path = "/catalog"
    guards = [customer_required]

    @get("/")
    async def list_products(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        q: FromQuery[str | None] = None,
        category: FromQuery[str | None] = None,
        after: FromQuery[str | None] = None,
    ) -> Template:
        q = (q or "").strip()[:MAX_QUERY_LENGTH]
        category = (category or "").strip()
        after = (after or "").strip()[:MAX_SKU_LENGTH]
        # the results block alone (htmx) does not show the filter: spare reading its categories
        result, categories = await catalog_page(
            db,
            account_id=request.state.customer.account_id,
            q=q,
            category=category,
            after=after,
            with_categories=not is_htmx(request),
        )
        next_after = result.next_after
        next_url = catalog_url(q=q, category=category, after=next_after) if next_after else None
        return page(
            request,
            "customer/catalog/list.html",
            block="results",
            offers=result.offers,
            categories=categories,
            q=q,
            category=category,
            after=after,
            next_url=next_url,
            first_url=catalog_url(q=q, category=category),
        )

    @get("/{sku:str}")
    async def detail(
        self, request: Request, db: NamedDependency[AsyncSession], sku: FromPath[str]
    ) -> Template:
        offer = None
        if len(sku) <= MAX_SKU_LENGTH:
            offer = await offer_by_sku(db, account_id=request.state.customer.account_id, sku=sku)
        if offer is None:
            raise NotFound()
        return page(request, "customer/catalog/detail.html", offer=offer)
