"""Sign-in throttling cannot lock a person out: hard blocks per account and address, many addresses only slow."""

from __future__ import annotations

import asyncio
import time

from portal.auth import service
from portal.auth.sessions import SessionStore
from portal.auth.throttle import LoginThrottle
from tests.helpers import PASSWORD, make_customer


async def _try(db, redis, throttle, email: str, ip: str, password: str = "wrong-password"):
    result = await service.sign_in(
        db,
        SessionStore(redis, 60),
        throttle,
        kind="customer",
        email=email,
        password=password,
        ip=ip,
        previous_sid=None,
    )
    await db.commit()
    return result


async def test_an_account_attacked_from_many_addresses_is_slowed_not_locked(db, redis):
    owner = await make_customer(db)
    # spaced checks 30 s apart: an attempt that had to wait for its turn could not finish in this test
    throttle = LoginThrottle(redis, max_failures=5, window_seconds=900, slow_base=30, slow_max=30)
    assert (await _try(db, redis, throttle, owner.email, "10.0.0.1", PASSWORD)).ok  # the owner's office
    for n in range(6):  # six addresses, one guess each: none is blocked...
        result = await _try(db, redis, throttle, owner.email, f"198.51.100.{n}")
        assert not result.ok and not result.throttled, n
    # ...but the account now has 6 failures: the last guess took its turn, the next one waits 30 s
    assert throttle.interval(6) == 30
    started = time.monotonic()
    result = await _try(db, redis, throttle, owner.email, "10.0.0.1", PASSWORD)
    assert result.ok and time.monotonic() - started < 15  # the owner walks in from their own address


async def test_guesses_against_one_account_from_many_addresses_are_spaced_out(db, redis):
    owner = await make_customer(db)
    throttle = LoginThrottle(redis, max_failures=2, window_seconds=900, slow_base=0.5, slow_max=0.5)
    for n in range(2):
        await _try(db, redis, throttle, owner.email, f"203.0.113.{n}")
    started = time.monotonic()
    for n in range(3):  # the spacing holds for parallel guesses too: each waits for a turn in Redis
        result = await _try(db, redis, throttle, owner.email, f"192.0.2.{n}")
        assert not result.ok and not result.throttled
    assert time.monotonic() - started >= 2 * 0.5 * 0.9  # three checks, at least two intervals apart
    # the owner, from an address never seen before, is slowed like everyone else but gets in
    assert (await _try(db, redis, throttle, owner.email, "10.1.1.1", PASSWORD)).ok


async def test_hard_blocks_count_per_account_and_address(db, redis):
    owner = await make_customer(db)
    other = await make_customer(db)
    throttle = LoginThrottle(redis, max_failures=5, window_seconds=900, slow_base=0.01, slow_max=0.01)
    for _ in range(5):
        assert not (await _try(db, redis, throttle, owner.email, "198.51.100.7")).throttled
    # that address is blocked for that account, even with the right password
    assert (await _try(db, redis, throttle, owner.email, "198.51.100.7", PASSWORD)).throttled
    # the same account from the owner's address, and another account from that address, are not
    assert (await _try(db, redis, throttle, owner.email, "10.0.0.1", PASSWORD)).ok
    assert (await _try(db, redis, throttle, other.email, "198.51.100.7", PASSWORD)).ok
    # one address spraying many accounts is blocked outright (the per-address limit)
    results = await asyncio.gather(
        *[throttle.attempt("customer", f"spray{n}@x.test", "192.0.2.99") for n in range(21)]
    )
    assert [r.blocked for r in results].count(True) == 1
