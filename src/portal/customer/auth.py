"""Customer sign-in and sign-out."""

from __future__ import annotations

from litestar import Request, get
from litestar.response import Response

from portal.web.signin import SignInController
from portal.web.templating import redirect


class CustomerAuthController(SignInController):
    kind = "customer"

    @get("/")
    async def home(self, request: Request) -> Response:
        return redirect(request, "/orders" if request.state.get("customer") else "/login")
