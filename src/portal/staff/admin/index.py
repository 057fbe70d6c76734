"""The administration start page: one link per section."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Template

from portal.staff.admin.common import ADMIN_ONLY
from portal.web.templating import page


class AdminIndexController(Controller):
    path = "/staff/admin"
    guards = ADMIN_ONLY

    @get("/")
    async def index(self, request: Request) -> Template:
        return page(request, "staff/admin/index.html")
