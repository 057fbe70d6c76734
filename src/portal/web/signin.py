"""The sign-in and sign-out flow shared by the customer and staff doors."""

from __future__ import annotations

from typing import ClassVar

from litestar import Controller, Request, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal import i18n
from portal.auth import service
from portal.auth.sessions import COOKIE_NAMES
from portal.i18n import gettext as _
from portal.web import inputs
from portal.web.context import LANG_COOKIE
from portal.web.readers import read_form
from portal.web.templating import page, redirect

HOME = {"customer": "/orders", "staff": "/staff/"}
LOGIN = {"customer": "/login", "staff": "/staff/login"}


def safe_next(value: str | None, kind: str) -> str:
    """Only a local path may be a redirect target (no open redirects, no other side's pages)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return HOME[kind]
    if kind == "customer" and value.startswith("/staff"):
        return HOME[kind]
    if kind == "staff" and not value.startswith("/staff"):
        return HOME[kind]
    return value


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "0.0.0.0"


def _locale_in_use(request: Request) -> service.LocaleInUse:
    """The sign-in page's language: chosen (``?lang=``, cookie), else the browser's (no user yet)."""
    chosen = i18n.normalize(request.query_params.get("lang") or request.cookies.get(LANG_COOKIE))
    return service.LocaleInUse(chosen=chosen, browser=None if chosen else request.state.locale)


def session_cookie(request: Request, kind: str, value: str, max_age: int) -> Cookie:
    return Cookie(
        key=COOKIE_NAMES[kind],
        value=value,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
        max_age=max_age,
    )


def login_page(
    request: Request,
    kind: str,
    *,
    error: str | None = None,
    email: str = "",
    status: int = 200,
    target: str | None = None,
) -> Template:
    """The sign-in form; ``target`` is where to go afterwards (default: the checked ``?next=``)."""
    return page(
        request,
        f"{kind}/login.html",
        block="login_form",
        status_code=status,
        error=error,
        email=email,
        next=target or safe_next(request.query_params.get("next"), kind),
    )


async def login_submit(request: Request, db: AsyncSession, kind: str) -> Response | Template:
    form = await request.form()
    sent = read_form(form, inputs.SignInForm)
    email, password, target = sent.email, sent.password, safe_next(sent.next, kind)
    cookie_name = COOKIE_NAMES[kind]
    result = await service.sign_in(
        db,
        request.app.state.sessions,
        request.app.state.login_throttle,
        kind=kind,
        email=email,
        password=password,
        ip=client_ip(request),
        previous_sid=request.cookies.get(cookie_name),
        locale=_locale_in_use(request),
    )
    if result.throttled:
        message = _("Too many failed attempts. Please wait 15 minutes and try again.")
        return login_page(request, kind, error=message, email=email, status=429, target=target)
    if result.busy:
        message = _("Many attempts are being made to sign in to this account. Please try again in a minute.")
        return login_page(request, kind, error=message, email=email, status=429, target=target)
    if not result.ok:
        message = _("The e-mail address or password is not correct.")
        return login_page(request, kind, error=message, email=email, status=401, target=target)
    response = redirect(request, target)
    settings = request.app.state.settings
    response.cookies.append(
        session_cookie(request, kind, result.session_id or "", settings.session_ttl_seconds)
    )
    return response


async def logout(request: Request, kind: str) -> Response:
    sid = request.cookies.get(COOKIE_NAMES[kind])
    if sid:
        await request.app.state.sessions.delete(sid)
    response = redirect(request, LOGIN[kind], flash=_("You have been signed out."))
    response.cookies.append(session_cookie(request, kind, "", 0))
    return response


class SignInController(Controller):
    """The sign-in form, its submission and sign-out, for the side named by ``kind``."""

    kind: ClassVar[str]

    @get("/login")
    async def login_form(self, request: Request) -> Template | Response:
        if request.state.get(self.kind):
            return redirect(request, safe_next(request.query_params.get("next"), self.kind))
        return login_page(request, self.kind)

    @post("/login")
    async def login(self, request: Request, db: NamedDependency[AsyncSession]) -> Response | Template:
        return await login_submit(request, db, self.kind)

    @post("/logout")
    async def logout(self, request: Request) -> Response:
        return await logout(request, self.kind)
