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
    """Build the hook. A handler may set its own Referrer-Policy (the tracking page uses no-referrer).

    The headers every response ends with are one tuple of raw bytes, built here once; per response
    the hook makes one pass over the headers already set.
    """
    # an empty Server header replaces the one granian would add: no banner, no version
    tail = (*BASE_HEADERS, *((HSTS,) if hsts else ()), (b"server", b""))
    referrer, cache_control = DEFAULT_REFERRER[0], NO_STORE[0]

    async def add_security_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        signed_in = _signed_in(scope)
        headers: list[tuple[bytes, bytes]] = []
        has_referrer = False
        for key, value in message.get("headers", ()):
            name = key.lower()
            if name in _REPLACED or (signed_in and name == cache_control):
                continue
            has_referrer = has_referrer or name == referrer
            headers.append((key, value))
        if not has_referrer:
            headers.append(DEFAULT_REFERRER)
        if signed_in:
            headers.append(NO_STORE)
        headers.extend(tail)
        message["headers"] = headers

    return add_security_headers
