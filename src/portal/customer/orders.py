"""The account's orders."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import customer_required
from portal.domain.orders import queries
from portal.domain.orders.states import OrderState
from portal.web.templating import page


class OrdersController(Controller):
    path = "/orders"
    guards = [customer_required]

    @get("/")
    async def list_orders(
        self, request: Request, db: NamedDependency[AsyncSession], status: FromQuery[str | None] = None
    ) -> Template:
        customer = request.state.customer
        status = status if status in OrderState.__members__.values() else None
        rows = await queries.account_orders(db, account_id=customer.account_id, status=status, limit=50)
        return page(
            request,
            "customer/orders/list.html",
            block="order_list",
            orders=rows,
            status=status,
        )
