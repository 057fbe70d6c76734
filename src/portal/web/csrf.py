"""Litestar's CSRF check, made total: a token that is not ASCII text (a file part, 数字) fails it (403)."""

from __future__ import annotations

from typing import Any

from litestar.middleware.csrf import CSRFMiddleware


def _usable(token: Any) -> bool:
    return isinstance(token, str) and token.isascii()


class PortalCSRFMiddleware(CSRFMiddleware):
    """Whatever arrives as the token, in the form, the header or the cookie, the answer is 403, never 500."""

    def _csrf_tokens_match(self, request_csrf_token: Any, cookie_csrf_token: Any) -> bool:
        if not (_usable(request_csrf_token) and _usable(cookie_csrf_token)):
            return False
        return super()._csrf_tokens_match(request_csrf_token, cookie_csrf_token)
