"""The staff dashboard: one card per work queue the signed-in member's roles own."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import staff_required
from portal.domain.orders import queues
from portal.web.templating import page


class DashboardController(Controller):
    path = "/staff"
    guards = [staff_required]

    @get("/")
    async def dashboard(self, request: Request, db: NamedDependency[AsyncSession]) -> Template:
        staff = request.state.staff
        cards = await queues.queue_counts(db, roles=staff.roles)
        return page(request, "staff/dashboard.html", cards=cards)
