"""The staff dashboard: a card per work queue the signed-in member's roles own, and review-SLA alerts."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.auth.guards import staff_required
from portal.domain.orders import pages
from portal.web.templating import page

# where finance works through the bank statement lines no payment was matched to yet
BANK_LINES_URL = "/staff/finance/bank"  # the import page lists the lines still unmatched


class DashboardController(Controller):
    path = "/staff"
    guards = [staff_required]

    @get("/")
    async def dashboard(self, request: Request, db: NamedDependency[AsyncSession]) -> Template:
        shown = await pages.staff_dashboard(db, roles=list(request.state.staff.roles), today=clock.today())
        return page(
            request,
            "staff/dashboard.html",
            cards=shown.cards,
            overdue=shown.overdue,
            cases=shown.cases,
            finance=shown.finance,
            receipt_cases=shown.receipt_cases,
            follow_ups=shown.follow_ups,
            bank_lines_url=BANK_LINES_URL,
        )
