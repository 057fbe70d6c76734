"""Staff sign-in and sign-out."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.web import signin
from portal.web.templating import redirect


class StaffAuthController(Controller):
    path = "/staff"

    @get("/login")
    async def login_form(self, request: Request) -> Template | Response:
        if request.state.get("staff"):
            return redirect(request, signin.safe_next(request.query_params.get("next"), "staff"))
        return signin.login_page(request, "staff")

    @post("/login")
    async def login(self, request: Request, db: NamedDependency[AsyncSession]) -> Response | Template:
        return await signin.login_submit(request, db, "staff")

    @post("/logout")
    async def logout(self, request: Request) -> Response:
        return await signin.logout(request, "staff")
