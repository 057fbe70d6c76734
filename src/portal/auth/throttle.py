"""Sign-in throttling in Redis: hard blocks per account-and-address and per address; an account slowed.

A hard block needs failures from one address: for one account (``max_failures``), or across
accounts (a multiple of it, since an office shares one NAT address). Failures against one
account from many addresses never lock it: its password checks are spaced out instead
(one per growing interval), and an address that has signed in to the account before is not
slowed at all, so the owner still gets in while someone else guesses.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass

from redis.asyncio import Redis

KNOWN_ADDRESS_SECONDS = 90 * 86400


@dataclass(frozen=True)
class Verdict:
    """``blocked``: refuse this attempt; ``slowed``: check the password only when ``wait_turn`` allows."""

    blocked: bool
    slowed: bool = False


class LoginThrottle:
    def __init__(
        self,
        redis: Redis,
        *,
        max_failures: int,
        window_seconds: int,
        ip_factor: int = 4,
        slow_base: float = 0.5,
        slow_max: float = 8.0,
    ) -> None:
        self.redis = redis
        self.max_failures = max_failures
        # an office behind one NAT address shares it, so the per-address limit is a multiple
        self.max_ip_failures = max_failures * ip_factor
        self.window = window_seconds
        self.slow_base, self.slow_max = slow_base, slow_max

    @staticmethod
    def _account(kind: str, email: str) -> str:
        return f"{kind}:{hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]}"

    def _keys(self, kind: str, email: str, ip: str) -> tuple[str, str, str]:
        acct = self._account(kind, email)
        return f"login-fail:pair:{acct}:{ip}", f"login-fail:ip:{ip}", f"login-fail:acct:{acct}"

    async def attempt(self, kind: str, email: str, ip: str) -> Verdict:
        """Count this attempt before the password is checked; say whether it is blocked or slowed.

        Counting first (atomically) means parallel requests cannot all pass the check
        before any failure is recorded.
        """
        keys = self._keys(kind, email, ip)
        async with self.redis.pipeline(transaction=True) as pipe:
            for key in keys:
                # the window starts with the first attempt (SET NX EX, not EXPIRE NX: Redis 6 has no that)
                pipe.set(key, 0, ex=self.window, nx=True)
                pipe.incr(key)
            pipe.exists(f"login-known:{self._account(kind, email)}:{ip}")
            _, pair, _, by_ip, _, acct, known = await pipe.execute()
        if pair > self.max_failures or by_ip > self.max_ip_failures:
            return Verdict(blocked=True)
        return Verdict(blocked=False, slowed=acct > self.max_failures and not known)

    def interval(self, failures: int) -> float:
        """Seconds between two password checks of an account with ``failures`` in the window."""
        excess = max(failures - self.max_failures, 1)
        return min(self.slow_base * 2 ** (excess - 1), self.slow_max)

    async def wait_turn(self, kind: str, email: str) -> bool:
        """Space out the password checks of an account under attack, however many run in parallel.

        False when no turn came within a few intervals (a flood): the person is asked to retry shortly.
        """
        acct = self._account(kind, email)
        failures = int(await self.redis.get(f"login-fail:acct:{acct}") or 0)
        interval_ms = int(self.interval(failures) * 1000)
        slot, deadline = f"login-slow:{acct}", time.monotonic() + 2 * self.slow_max
        while not await self.redis.set(slot, 1, px=interval_ms, nx=True):
            if time.monotonic() > deadline:
                return False
            remaining = await self.redis.pttl(slot)
            await asyncio.sleep(max(remaining, 10) / 1000)
        return True

    async def succeeded(self, kind: str, email: str, ip: str) -> None:
        """A good sign-in: this address is known for the account and gets its attempts back.

        The account-wide count only loses this attempt: the owner signing in does not clear the
        failures of someone guessing elsewhere.
        """
        pair, by_ip, acct = self._keys(kind, email, ip)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(pair)
            pipe.decr(by_ip)
            pipe.decr(acct)
            pipe.set(f"login-known:{self._account(kind, email)}:{ip}", 1, ex=KNOWN_ADDRESS_SECONDS)
            await pipe.execute()
