"""Signed, expiring, revocable tracking links: one order, read-only, no sign-in.

A JWT (HS256, joserfc) carries the order id, the order's link version, an audience and an
expiry. joserfc's ``decode`` checks only the signature, so the claims are checked here;
bumping the order's ``tracking_link_version`` revokes every link sent before.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

AUDIENCE = "portal:tracking"
HEADER = {"alg": "HS256"}


@dataclass(frozen=True)
class TrackingClaim:
    order_id: int
    version: int


class TrackingLinks:
    def __init__(self, secret_key: str, *, ttl_days: int = 90) -> None:
        # a key of its own, derived from SECRET_KEY: a leaked link key is not the CSRF key
        derived = hmac.new(secret_key.encode(), b"portal tracking links v1", hashlib.sha256).digest()
        self.key = OctKey.import_key(derived)
        self.ttl = ttl_days * 86400

    def token(self, order_id: int, version: int, *, now: float | None = None) -> str:
        issued = int(now if now is not None else time.time())
        claims = {
            "sub": str(order_id),
            "ver": version,
            "aud": AUDIENCE,
            "iat": issued,
            "exp": issued + self.ttl,
        }
        return jwt.encode(HEADER, claims, self.key)

    def path(self, order_id: int, version: int) -> str:
        return f"/track/{self.token(order_id, version)}"

    def read(self, token: str, *, now: float | None = None) -> TrackingClaim | None:
        """The claim of a genuine, unexpired token for our audience; None for anything else."""
        if not token or len(token) > 2000:
            return None
        try:
            claims = jwt.decode(token, self.key, algorithms=["HS256"]).claims
        except (JoseError, ValueError, TypeError):
            return None
        current = now if now is not None else time.time()
        try:
            if claims.get("aud") != AUDIENCE or int(claims["exp"]) <= current:
                return None
            return TrackingClaim(order_id=int(claims["sub"]), version=int(claims["ver"]))
        except (KeyError, ValueError, TypeError):
            return None
