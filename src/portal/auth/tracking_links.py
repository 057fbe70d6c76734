"""Signed, expiring links to one order's page opened without signing in: tracking (revocable) and more.

A JWT (HS256, joserfc) carries the order id, the order's link version, an audience and an
expiry. joserfc's ``decode`` checks only the signature, so the claims are checked here;
bumping the order's ``tracking_link_version`` revokes every link sent before.

Each link is opened again and again (every shipping e-mail, every refresh), so a token whose
signature and audience were verified is remembered, per instance, with its expiry: a repeated
read costs a dictionary lookup, and the expiry is still compared with the clock on every read.
Only genuine tokens are remembered (a flood of forged ones fills nothing), the cache is bounded,
and a remembered token is still subject to revocation, which the caller checks against the
order's current link version.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from portal.lru import BoundedLRU

AUDIENCE = "portal:tracking"
HEADER = {"alg": "HS256"}
MAX_TOKEN_CHARS = 2000
VERIFIED_TOKENS = 4096  # ~1 MB at most: the links opened lately, per process


@dataclass(frozen=True)
class TrackingClaim:
    order_id: int
    version: int


class SignedLinks:
    """Links of one kind: its own audience, its own key derived from SECRET_KEY and its own path."""

    audience = AUDIENCE
    key_label = b"portal tracking links v1"
    prefix = "/track/"

    def __init__(self, secret_key: str, *, ttl_days: int = 90) -> None:
        # a key of its own, derived from SECRET_KEY: a leaked link key is not the CSRF key
        derived = hmac.new(secret_key.encode(), self.key_label, hashlib.sha256).digest()
        self.key = OctKey.import_key(derived)
        self.ttl = ttl_days * 86400
        # token -> (claim, expiry in Unix seconds) of tokens whose signature and audience were checked
        self._verified: BoundedLRU[str, tuple[TrackingClaim, int]] = BoundedLRU(VERIFIED_TOKENS)

    def token(self, order_id: int, version: int, *, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        claims = {
            "sub": str(order_id),
            "ver": version,
            "aud": self.audience,
            "iat": issued,
            "exp": issued + self.ttl,
        }
        return jwt.encode(HEADER, claims, self.key)

    def path(self, order_id: int, version: int) -> str:
        return f"{self.prefix}{self.token(order_id, version)}"

    def read(self, token: str, *, now: float | None = None) -> TrackingClaim | None:
        """The claim of a genuine, unexpired token for our audience; None for anything else."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            return None
        current = now if now is not None else time.time()
        known = self._verified.get(token)
        if known is None:
            known = self._verify(token)
            if known is None:
                return None
            self._verified.put(token, known)
        claim, expires = known
        return claim if expires > current else None

    def _verify(self, token: str) -> tuple[TrackingClaim, int] | None:
        """(claim, expiry) when the signature and the audience hold; the expiry is the caller's to check."""
        try:
            claims = jwt.decode(token, self.key, algorithms=["HS256"]).claims
        except (JoseError, ValueError, TypeError):
            return None
        try:
            if claims.get("aud") != self.audience:
                return None
            claim = TrackingClaim(order_id=int(claims["sub"]), version=int(claims["ver"]))
            return claim, int(claims["exp"])
        except (KeyError, ValueError, TypeError):
            return None


class TrackingLinks(SignedLinks):
    """The tracking page's links; bumping the order's ``tracking_link_version`` revokes them."""
