"""Per-request context: the signed-in customer or staff session and the locale.

One ASGI middleware loads both before any guard or handler runs, so guards, handlers,
templates and error pages all read the same ``request.state``.
"""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING

from litestar.datastructures import State
from litestar.enums import ScopeType
from litestar.exceptions import ClientException, NotFoundException
from litestar.middleware import ASGIMiddleware
from sqlalchemy.exc import SQLAlchemyError

from portal import i18n, numbers
from portal.auth import service
from portal.auth.sessions import COOKIE_NAMES, SessionData, SessionStore

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("portal.context")
LANG_COOKIE = "portal_lang"
# paths that need neither a session nor a user's locale: kept lean (health checks, assets, machines)
LEAN_PREFIXES = ("/static/", "/favicon.ico", "/health", "/webhooks/", "/track/")


def _cookies(scope: Scope) -> dict[str, str]:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header is treated as no cookies
                return {}
            return {k: m.value for k, m in jar.items()}
    return {}


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return value.decode("latin-1")
    return None


def _query_lang(scope: Scope) -> str | None:
    """``?lang=en`` switches one page without a cookie (the public tracking page offers it)."""
    query = scope.get("query_string", b"").decode("latin-1")
    for part in query.split("&"):
        if part.startswith("lang="):
            return part[5:]
    return None


def _impossible_id(value: object) -> bool:
    return isinstance(value, int) and not -numbers.MAX_ID <= value <= numbers.MAX_ID


def choose_locale(
    *, cookie: str | None, user_locale: str | None, accept_language: str | None, default: str
) -> str:
    """Explicit choice first, then the signed-in user's saved one, then the browser's."""
    return (
        i18n.normalize(cookie)
        or i18n.normalize(user_locale)
        or i18n.best_from_accept_language(accept_language)
        or default
    )


async def _record_locale(app: Litestar, user: SessionData, locale: str) -> None:
    """Note the language a signed-in person now reads in (once per change); a failure only loses the note."""
    try:
        await service.record_last_locale(app.state[app.state.db_engine_key], app.state.sessions, user, locale)
    except (SQLAlchemyError, OSError) as exc:
        log.warning("could not record the language of %s user %s: %s", user.kind, user.user_id, exc)


class RequestContextMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        path: str = scope["path"]
        if "\x00" in path or b"%00" in scope.get("query_string", b""):
            raise ClientException(detail="NUL in request")  # PostgreSQL text cannot hold it: 400, not 500
        if any(_impossible_id(v) for v in scope.get("path_params", {}).values()):
            raise NotFoundException()  # /products/10**30: no row has that id, and PostgreSQL cannot compare it
        state = State(scope.setdefault("state", {}))
        app: Litestar = scope["litestar_app"]
        settings = app.state.settings
        customer: SessionData | None = None
        staff: SessionData | None = None
        cookies = _cookies(scope)
        if not path.startswith(LEAN_PREFIXES):
            store: SessionStore = app.state.sessions
            if sid := cookies.get(COOKIE_NAMES["customer"]):
                customer = await store.load(sid, "customer")
            if sid := cookies.get(COOKIE_NAMES["staff"]):
                staff = await store.load(sid, "staff")
        state.customer = customer
        state.staff = staff
        user = staff if path.startswith("/staff") else customer
        locale = choose_locale(
            cookie=_query_lang(scope) or cookies.get(LANG_COOKIE),
            user_locale=user.locale if user else None,
            accept_language=_header(scope, b"accept-language"),
            default=settings.default_locale,
        )
        state.locale = locale
        if user is not None and user.last_locale != locale:
            await _record_locale(app, user, locale)
        with i18n.using_locale(locale):
            await next_app(scope, receive, send)
