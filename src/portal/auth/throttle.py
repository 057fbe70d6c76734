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

    async def is_blocked(self, kind: str, email: str, ip: str) -> bool:
        acct, by_ip = await self.redis.mget(self._account_key(kind, email), self._ip_key(ip))
        return int(acct or 0) >= self.max_failures or int(by_ip or 0) >= self.max_ip_failures

    async def record_failure(self, kind: str, email: str, ip: str) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in (self._account_key(kind, email), self._ip_key(ip)):
                pipe.incr(key)
                pipe.expire(key, self.window, nx=True)
            await pipe.execute()

    async def clear_account(self, kind: str, email: str) -> None:
        await self.redis.delete(self._account_key(kind, email))
