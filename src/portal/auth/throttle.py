"""Sign-in throttling: failed attempts counted per account and per client address in Redis."""

from __future__ import annotations

import hashlib

from redis.asyncio import Redis


class LoginThrottle:
    def __init__(self, redis: Redis, *, max_failures: int, window_seconds: int, ip_factor: int = 4) -> None:
        self.redis = redis
        self.max_failures = max_failures
        # an office behind one NAT address shares it, so the per-address limit is a multiple
        self.max_ip_failures = max_failures * ip_factor
        self.window = window_seconds

    @staticmethod
    def _account_key(kind: str, email: str) -> str:
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
        return f"login-fail:{kind}:acct:{digest}"

    @staticmethod
    def _ip_key(ip: str) -> str:
        return f"login-fail:ip:{ip}"

    async def attempt(self, kind: str, email: str, ip: str) -> bool:
        """Count this attempt before the password is checked; False when over the limit.

        Counting first (atomically) means parallel requests cannot all pass the check
        before any failure is recorded; a successful sign-in clears the account's count.
        """
        acct, by_ip = self._account_key(kind, email), self._ip_key(ip)
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in (acct, by_ip):
                # the window starts with the first attempt (SET NX EX, not EXPIRE NX: Redis 6 has no that)
                pipe.set(key, 0, ex=self.window, nx=True)
                pipe.incr(key)
            _, acct_count, _, ip_count = await pipe.execute()
        return acct_count <= self.max_failures and ip_count <= self.max_ip_failures

    async def succeeded(self, kind: str, email: str, ip: str) -> None:
        """A good sign-in: the account starts afresh and the address gets its attempt back."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(self._account_key(kind, email))
            pipe.decr(self._ip_key(ip))
            await pipe.execute()
