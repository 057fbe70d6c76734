"""Per-request context: the signed-in customer or staff session and the locale.

One ASGI middleware loads both before any guard or handler runs, so guards, handlers,
templates and error pages all read the same ``request.state``. Its cost per request: one pass
over the headers, the cookies parsed once (shared with Litestar's ``request.cookies`` and the CSRF
check), and for a signed-in request one Redis round trip whichever sessions the browser holds.
Routes marked ``opt={"lean": True}`` (``/health``, ``/favicon.ico``, ``/static``) get neither a
session nor a locale: only the NUL and id checks that protect every route.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from litestar._parsers import parse_cookie_string
from litestar.enums import ScopeType
from litestar.exceptions import ClientException, NotFoundException
from litestar.middleware import ASGIMiddleware
from litestar.types import Empty
from litestar.utils.scope.state import ScopeState
from sqlalchemy.exc import SQLAlchemyError

from portal import i18n, numbers
from portal.auth import service
from portal.auth.sessions import COOKIE_NAMES, SessionData, SessionStore

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("portal.context")
LANG_COOKIE = "portal_lang"
LEAN = "lean"  # route opt: the route needs no session, no locale, no CSRF token (see app.py)
# paths that need neither a session (machines, the public tracking page) but do speak the viewer's language
LEAN_PREFIXES = ("/static/", "/favicon.ico", "/health", "/webhooks/", "/track/")
SESSION_COOKIES = tuple(COOKIE_NAMES.items())  # (kind, cookie name)


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == wanted:
            return value.decode("latin-1")
    return None


def scope_cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies, parsed once per request: the very dict Litestar's ``request.cookies`` returns.

    The parsed dict is shared (parsing is cached per Cookie header): read it, never change it.
    """
    state = ScopeState.from_scope(scope)
    if state.cookies is Empty:
        raw = _header(scope, b"cookie")
        state.cookies = parse_cookie_string(raw) if raw else {}
    return state.cookies  # type: ignore[return-value]


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
        if (params := scope.get("path_params")) and any(_impossible_id(v) for v in params.values()):
            raise NotFoundException()  # /products/10**30: no row has that id, and PostgreSQL cannot compare it
        if scope["route_handler"].opt.get(LEAN):
            await next_app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        app: Litestar = scope["litestar_app"]
        cookies = scope_cookies(scope)
        sessions: dict[str, SessionData] = {}
        if not path.startswith(LEAN_PREFIXES) and any(name in cookies for _, name in SESSION_COOKIES):
            store: SessionStore = app.state.sessions
            sessions = await store.load_kinds({kind: cookies.get(name) for kind, name in SESSION_COOKIES})
        customer = state["customer"] = sessions.get("customer")
        staff = state["staff"] = sessions.get("staff")
        user = staff if path.startswith("/staff") else customer
        locale = choose_locale(
            cookie=_query_lang(scope) or cookies.get(LANG_COOKIE),
            user_locale=user.locale if user else None,
            accept_language=_header(scope, b"accept-language"),
            default=app.state.settings.default_locale,
        )
        state["locale"] = locale
        if user is not None and user.last_locale != locale:
            await _record_locale(app, user, locale)
        with i18n.using_locale(locale):
            await next_app(scope, receive, send)
