"""Security headers on every response, whatever produced it (including 404s and errors).

Applied as an app-level ``before_send`` hook: unlike route middleware it also sees
responses for unknown paths and for errors raised before routing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from litestar.types import Message, Scope

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
BASE_HEADERS: list[tuple[bytes, bytes]] = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
]
HSTS = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")
# what a signed-in person sees is theirs alone: no browser or proxy may keep it (back button after sign-out)
NO_STORE = (b"cache-control", b"no-store")
DEFAULT_REFERRER = (b"referrer-policy", b"strict-origin-when-cross-origin")
_REPLACED = {name for name, _ in BASE_HEADERS} | {b"server", HSTS[0]}


def _signed_in(scope: Scope) -> bool:
    """A customer or staff session came with the request (RequestContextMiddleware put it in the state)."""
    state = scope.get("state") or {}
    return state.get("customer") is not None or state.get("staff") is not None


def security_headers(*, hsts: bool):
    """Build the hook. A handler may set its own Referrer-Policy (the tracking page uses no-referrer)."""
    extra = BASE_HEADERS + ([HSTS] if hsts else [])

    async def add_security_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _REPLACED]
        if not any(k.lower() == b"referrer-policy" for k, _ in headers):
            headers.append(DEFAULT_REFERRER)
        if _signed_in(scope):
            headers = [(k, v) for k, v in headers if k.lower() != NO_STORE[0]] + [NO_STORE]
        # an empty Server header replaces the one granian would add: no banner, no version
        message["headers"] = [*headers, *extra, (b"server", b"")]

    return add_security_headers
