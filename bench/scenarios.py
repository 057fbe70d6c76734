"""The endpoints the benchmark measures, each with the cookie of whoever reads it and its goal.

``build(client, …)`` signs the demo buyer and the reviewer in through the real sign-in forms
(``client`` is an httpx client: over the network, or Litestar's in-process test client), then
checks every page answers 2xx with its content before anything is timed.

Goals (issue 11), as ratios in one run: the tracking page ≥ 1.0× the asyncpg reference; every
signed-in page ≥ 1.5× the naive signed-in reference; ``/health`` ≥ 0.8× ``/bare``; and each
portal page's p99 ≤ 50 ms when driven at half its own saturation rate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

DEMO_PASSWORD = "demo-password"  # portal.db.demo.DEMO_PASSWORD
FIXED_RATE_P99_MS = 50.0


@dataclass(frozen=True)
class Goal:
    against: str  # a scenario name: bare, ref_asyncpg, ref_naive
    ratio: float

    def describe(self) -> str:
        return f"≥{self.ratio:g}× {self.against}"


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    label: str  # what the table shows (paths with their placeholders)
    cookie: str = ""
    expect: str = ""  # a pattern the page must contain, checked once before the load
    goal: Goal | None = None
    kind: str = "portal"  # portal | reference | bare: p99 goals apply to portal pages


TRACKING_GOAL = Goal("ref_asyncpg", 1.0)
SIGNED_IN_GOAL = Goal("ref_naive", 1.5)
HEALTH_GOAL = Goal("bare", 0.8)
REFERENCES = ("bare", "ref_asyncpg", "ref_orm", "ref_naive")


def _cookies(response: Any) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        jar.load(header)
    return {k: m.value for k, m in jar.items()}


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


async def sign_in(client: Any, path: str, email: str) -> str:
    """The Cookie header of a signed-in browser (cookies are Secure under PORTAL_ENV=prod: sent by hand)."""
    first = await client.get(path)
    cookies = _cookies(first)
    # under PORTAL_ENV=prod the CSRF cookie carries the __Host- prefix
    token = next(v for k, v in cookies.items() if k.endswith("portal_csrf"))
    form = {"email": email, "password": DEMO_PASSWORD, "_csrf_token": token}
    r = await client.post(
        path, data=form, headers={"Cookie": _cookie_header(cookies)}, follow_redirects=False
    )
    if r.status_code not in (302, 303):
        raise RuntimeError(f"signing in {email} at {path} answered {r.status_code}")
    cookies.update(_cookies(r))
    return _cookie_header(cookies)


def scenarios(secret: str, dataset: Any, customer: str, reviewer: str) -> list[Scenario]:
    """Every measured endpoint, references first."""
    from portal.auth.tracking_links import TrackingLinks

    track = TrackingLinks(secret).path(dataset.tracking_order_id, dataset.tracking_link_version)
    number = dataset.tracking_order_number
    n = re.escape(number)
    return [
        Scenario("bare", "/bare", "/bare (bare Litestar)", expect="ok", kind="bare"),
        Scenario("ref_asyncpg", "/ref/asyncpg", "ref: asyncpg 12 rows+Jinja", expect="SO-", kind="reference"),
        Scenario("ref_orm", "/ref/orm", "ref: same via ORM session", expect="SO-", kind="reference"),
        Scenario("ref_naive", "/ref/naive", "ref: naive signed-in", customer, "SO-", kind="reference"),
        Scenario("health", "/health", "/health", expect="ok", goal=HEALTH_GOAL),
        Scenario("tracking", track, "/track/{token}", expect=n, goal=TRACKING_GOAL),
        Scenario("catalog", "/catalog?q=pump", "/catalog?q=pump", customer, "(HYD|PMP)-", SIGNED_IN_GOAL),
        Scenario("orders", "/orders", "/orders", customer, "SO-", SIGNED_IN_GOAL),
        Scenario("order", f"/orders/{number}", "/orders/{number}", customer, n, SIGNED_IN_GOAL),
        Scenario("cart", "/cart", "/cart (5 lines)", customer, "PMP-100", SIGNED_IN_GOAL),
        Scenario("staff_review", "/staff/review", "/staff/review", reviewer, "SO-", SIGNED_IN_GOAL),
        Scenario("staff_orders", "/staff/orders", "/staff/orders", reviewer, "SO-", SIGNED_IN_GOAL),
        Scenario(
            "staff_order", f"/staff/orders/{number}", "/staff/orders/{number}", reviewer, n, SIGNED_IN_GOAL
        ),
    ]


async def build(client: Any, secret: str, dataset: Any, failed_dir: Path) -> list[Scenario]:
    """Sign in, list the scenarios, and check each page once (a failing page is saved and raised)."""
    customer = await sign_in(client, "/login", "buyer@example.com")
    reviewer = await sign_in(client, "/staff/login", "reviewer@example.com")
    found = scenarios(secret, dataset, customer, reviewer)
    for s in found:
        r = await client.get(s.path, headers={"Cookie": s.cookie} if s.cookie else {})
        if not 200 <= r.status_code < 300 or not re.search(s.expect, r.text):
            failed = failed_dir / f"failed-{s.name}.html"
            failed.write_text(r.text)
            raise RuntimeError(
                f"{s.name}: GET {s.path} answered {r.status_code} without {s.expect!r}; page in {failed}"
            )
    return found
