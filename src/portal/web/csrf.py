"""Litestar's CSRF check, made total and cheap.

Total: a token that is not ASCII text (a file part, 数字) fails the check (403, never 500).

Cheap: an unsafe request (POST, PUT, PATCH, DELETE) goes through Litestar's check unchanged. A safe
one (GET, HEAD, OPTIONS) only needs the token its page may embed: the CSRF cookie's value, read
from the cookies the request context already parsed, or a new token, then sent back as the
cookie — only when the browser had none, as one precomputed header. Routes marked
``opt={"lean": True}`` (``/health``, ``/favicon.ico``, ``/static``) embed no form: on a safe method
they get no token and no cookie.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.datastructures.cookie import Cookie
from litestar.middleware._utils import should_bypass_middleware
from litestar.middleware.csrf import CSRFMiddleware, generate_csrf_token
from litestar.utils.scope.state import ScopeState

from portal.web.context import LEAN, scope_cookies

if TYPE_CHECKING:
    from litestar.config.csrf import CSRFConfig
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

_PLACEHOLDER = "0123456789abcdef"  # hex like a real token, so the cookie is rendered as a token would be


def _usable(token: Any) -> bool:
    return isinstance(token, str) and token.isascii()


class PortalCSRFMiddleware(CSRFMiddleware):
    """Whatever arrives as the token, in the form, the header or the cookie, the answer is 403, never 500."""

    def __init__(self, app: ASGIApp, config: CSRFConfig) -> None:
        super().__init__(app, config)
        self.safe_methods = frozenset(config.safe_methods)
        # the Set-Cookie header Litestar would build, split around the token: built once
        header = Cookie(
            key=config.cookie_name,
            value=_PLACEHOLDER,
            path=config.cookie_path,
            secure=config.cookie_secure,
            httponly=config.cookie_httponly,
            samesite=config.cookie_samesite,
            domain=config.cookie_domain,
        ).to_header(header="")
        before, after = header.split(_PLACEHOLDER)
        self.cookie_before, self.cookie_after = before.encode("latin-1"), after.encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in self.safe_methods:
            await super().__call__(scope, receive, send)  # the check itself: Litestar's, unchanged
            return
        if scope["route_handler"].opt.get(LEAN) or should_bypass_middleware(
            scope=scope,
            scopes=self.scopes,
            exclude_opt_key=self.config.exclude_from_csrf_key,
            exclude_path_pattern=self.exclude,
        ):
            await self.app(scope, receive, send)
            return
        cookie = scope_cookies(scope).get(self.config.cookie_name)
        token = cookie or generate_csrf_token(secret=self.config.secret)
        ScopeState.from_scope(scope).csrf_token = token
        if cookie is not None:  # the browser has its token: nothing to send back
            await self.app(scope, receive, send)
            return
        set_cookie = (b"set-cookie", self.cookie_before + token.encode("latin-1") + self.cookie_after)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), set_cookie]
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    def _csrf_tokens_match(self, request_csrf_token: Any, cookie_csrf_token: Any) -> bool:
        if not (_usable(request_csrf_token) and _usable(cookie_csrf_token)):
            return False
        return super()._csrf_tokens_match(request_csrf_token, cookie_csrf_token)
