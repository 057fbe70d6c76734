"""SQL statements per request, counted in this process on every SQLAlchemy engine.

``per_page``: each scenario's statements on its second request (the first warms caches).
``list_lengths``: list pages at two lengths — the small account (3 orders) against the demo
buyer's full page — "no more statements as lists grow". ``/ref/asyncpg`` bypasses SQLAlchemy:
it is one ``fetch`` by construction and is reported as 1.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.inprocess import Harness
from bench.scenarios import Scenario, sign_in
from portal.db.engine import RAW_STATEMENT_LISTENERS

ORDER_NUMBER = re.compile(r"SO-\d{4}-\d{6}")


class _Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_: object) -> None:
        self.count += 1

    def __enter__(self) -> _Counter:
        event.listen(Engine, "before_cursor_execute", self)
        RAW_STATEMENT_LISTENERS.append(self)  # the tracking page's fingerprint goes straight to asyncpg
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(Engine, "before_cursor_execute", self)
        RAW_STATEMENT_LISTENERS.remove(self)


async def _count(harness: Harness, path: str, cookie: str, counter: _Counter) -> tuple[int, str]:
    await harness.call(path, cookie)  # warm: first connections and caches
    counter.count = 0
    r = await harness.client.get(path, headers={"Cookie": cookie} if cookie else {})
    if not 200 <= r.status_code < 300:
        raise RuntimeError(f"GET {path} answered {r.status_code}")
    return counter.count, r.text


async def per_page(harness: Harness, scenarios: list[Scenario]) -> dict[str, int]:
    out = {}
    with _Counter() as counter:
        for s in scenarios:
            n, _ = await _count(harness, s.path, s.cookie, counter)
            out[s.name] = 1 if s.name == "ref_asyncpg" else n
    return out


async def list_lengths(harness: Harness, reviewer: str, small_account_id: int) -> dict[str, Any]:
    small = await sign_in(harness.client, "/login", "buyer2@example.com")
    big = await sign_in(harness.client, "/login", "buyer@example.com")
    pairs = {
        "/orders": ((small, "/orders"), (big, "/orders")),
        "/staff/review": (
            (reviewer, f"/staff/review?customer={small_account_id}"),
            (reviewer, "/staff/review"),
        ),
        "/staff/orders": (
            (reviewer, f"/staff/orders?state=all&customer={small_account_id}"),
            (reviewer, "/staff/orders?state=all"),
        ),
    }
    out: dict[str, Any] = {}
    with _Counter() as counter:
        for name, ((c1, p1), (c2, p2)) in pairs.items():
            n1, t1 = await _count(harness, p1, c1, counter)
            n2, t2 = await _count(harness, p2, c2, counter)
            out[name] = {
                "short": {"rows": len(set(ORDER_NUMBER.findall(t1))), "statements": n1},
                "full": {"rows": len(set(ORDER_NUMBER.findall(t2))), "statements": n2},
            }
    return out
