"""The staff dashboard: a card per work queue the signed-in member's roles own, and review-SLA alerts."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import staff_required
from portal.domain.fulfilment import views as shipping_views
from portal.domain.orders import queues, watchdog
from portal.web.templating import page


class DashboardController(Controller):
    path = "/staff"
    guards = [staff_required]

    @get("/")
    async def dashboard(self, request: Request, db: NamedDependency[AsyncSession]) -> Template:
        staff = request.state.staff
        cards = await queues.queue_counts(db, roles=staff.roles)
        overdue = await watchdog.overdue(db) if staff.has_role("reviewer", "sales") else []
        cases = (
            await shipping_views.open_cases(db) if staff.has_role("logistics", "sales", "aftersales") else []
        )
        return page(request, "staff/dashboard.html", cards=cards, overdue=overdue, cases=cases)
