"""Where a request's CPU goes: the portal's ASGI app driven in process, profiled with pyinstrument.

    PYTHONPATH=src:. python -m bench.profile_pipeline [--requests 100] [--rounds 5] [--top 15]
        [--path orders ...] [--no-profile] [--json out.json] [--html DIR] [--keep] [--env prod]

Database and Redis: PROFILE_DATABASE_URL / PROFILE_REDIS_URL, else TEST_DATABASE_URL / TEST_REDIS_URL.
The database's ``public`` schema is DROPPED and rebuilt (migrations + ``portal.db.demo`` seed) unless
``--keep``: point it at a throwaway database. The Redis database is flushed.

No server and no HTTP client: each request is an ASGI call (scope, receive, send) on the app that
``portal serve`` builds (``--env prod``: secure cookies, HSTS, templates not re-checked on disk),
one at a time on one event loop, beside a bare Litestar app (``bench.bare``) as the yardstick.
Signed in as the demo buyer and the demo reviewer. Per page it prints

* CPU ms per request (``time.process_time``; the quickest of ``--rounds`` rounds: on a busy machine
  other work only ever adds time), the same as a multiple of the bare app's, and wall ms;
* SQL statements, Redis round trips and Set-Cookie headers per request;
* that CPU split by stage (a profiled pass; each sample is charged to the innermost frame on its
  stack that belongs to a stage, see ``STAGES``, and the shares are scaled to the unprofiled CPU so
  the profiler's own overhead is not counted). Waiting for PostgreSQL or Redis is not CPU: it
  shows in wall ms only. ``--top N`` lists the costliest functions of each page by stage.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

warnings.filterwarnings("ignore", message=".*declarative_mixin.*")

DEMO_PASSWORD = "demo-password"  # portal.db.demo.DEMO_PASSWORD
HOST = "portal.local"

# (stage, test on a frame's file path and function name): a sample goes to the innermost frame that
# matches one of these, in this order of precedence within a frame. Libraries not listed
# (litestar, sqlalchemy, redis, asyncpg, msgspec, asyncio) are transparent: their time belongs to the
# portal code that called them; with no portal caller, to the library's own bucket (FALLBACK).
STAGES: list[tuple[str, Callable[[str, str], bool]]] = [
    ("translations", lambda f, fn: "/portal/i18n.py" in f or "/babel/support.py" in f or "gettext" in f),
    ("formatting", lambda f, fn: "/portal/formatting.py" in f or "/babel/" in f),
    ("security headers", lambda f, fn: "/portal/web/security.py" in f),
    ("csrf", lambda f, fn: "/portal/web/csrf.py" in f or "/litestar/middleware/csrf.py" in f),
    ("session load", lambda f, fn: "/portal/auth/sessions.py" in f),
    ("guards", lambda f, fn: "/portal/auth/guards.py" in f),
    ("context middleware", lambda f, fn: "/portal/web/context.py" in f),
    ("db session", lambda f, fn: "/portal/web/transaction.py" in f or "/advanced_alchemy/" in f),
    ("template render", lambda f, fn: "/jinja2" in f or "/templates/" in f or f.endswith(".html")),
    (
        "template render",
        lambda f, fn: "/litestar/response/template.py" in f or "/portal/web/templating.py" in f,
    ),
    (
        "page handler + its queries",
        lambda f, fn: bool(re.search(r"/portal/(customer|staff|public|domain)/", f)),
    ),
]
ROUTE_FRAME = "/litestar/routes/"
WRAPPING = {"csrf", "context middleware"}  # middleware that await the rest of the request
FALLBACK = [
    ("litestar (routing, DI, response)", ("/litestar/",)),
    ("sql driver (no portal caller)", ("/sqlalchemy/", "/asyncpg/")),
    ("redis client (no portal caller)", ("/redis/",)),
    ("event loop, i/o callbacks", ("asyncio", "/selectors.py", "uvloop")),
]
IDLE = ("select", "poll", "_run_once")  # the loop waiting for sockets: not CPU


@dataclass
class Page:
    name: str
    path: str
    who: str = ""  # "customer" | "staff" | ""
    method: str = "GET"


@dataclass
class Result:
    page: Page
    status: int
    cpu_ms: float
    wall_ms: float
    statements: float
    redis_trips: float
    set_cookies: float
    body_bytes: int
    stages: dict[str, float] = field(default_factory=dict)  # ms of CPU per request
    functions: dict[str, float] = field(default_factory=dict)  # "stage: function (file)" -> ms per request


# --- a minimal in-process ASGI client -----------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    def cookies(self) -> dict[str, str]:
        out = {}
        for k, v in self.headers:
            if k.lower() == b"set-cookie":
                name, _, rest = v.decode("latin-1").partition("=")
                out[name] = rest.split(";", 1)[0]
        return out


async def call(
    app: Any, method: str, path: str, *, cookies: dict[str, str] | None = None, form: dict | None = None
) -> Answer:
    raw_path, _, query = path.partition("?")
    headers = [
        (b"host", HOST.encode()),
        (b"user-agent", b"profile-pipeline/1"),
        (b"accept", b"text/html,application/xhtml+xml,*/*;q=0.8"),
        (b"accept-language", b"zh-CN,zh;q=0.9,en;q=0.8"),
    ]
    if cookies:
        headers.append((b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode()))
    body = b""
    if form is not None:
        body = urlencode(form).encode()
        headers += [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "https",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50123),
        "server": ("127.0.0.1", 443),
    }
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)  # a disconnect only after the response: never while handling
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    answer = Answer(0, [], b"")
    chunks: list[bytes] = []

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
            answer.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    answer.body = b"".join(chunks)
    return answer


async def sign_in(app: Any, login_path: str, email: str) -> dict[str, str]:
    first = await call(app, "GET", login_path)
    cookies = first.cookies()
    token = next(v for k, v in cookies.items() if k.endswith("portal_csrf"))
    form = {"email": email, "password": DEMO_PASSWORD, "_csrf_token": token}
    r = await call(app, "POST", login_path, cookies=cookies, form=form)
    if r.status not in (302, 303):
        raise RuntimeError(f"signing in {email} at {login_path} answered {r.status}")
    cookies.update(r.cookies())
    return cookies


# --- counting -------------------------------------------------------------------------------------------


class Counters:
    """SQL statements (engine event) and Redis round trips (one packed command = one trip)."""

    def __init__(self, engine: Any) -> None:
        from redis.asyncio.connection import AbstractConnection
        from sqlalchemy import event

        self.sql = 0
        self.redis = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._on_sql)
        original = AbstractConnection.send_packed_command

        async def counted(conn: Any, command: Any, check_health: bool = True) -> None:
            self.redis += 1
            await original(conn, command, check_health)

        AbstractConnection.send_packed_command = counted  # type: ignore[method-assign]

    def _on_sql(self, *_: object) -> None:
        self.sql += 1


# --- profile attribution ----------------------------------------------------------------------------------


def _stage_of(stack: list[tuple[str, str]]) -> str | None:
    """``stack``: (file, function) from the innermost frame outwards.

    A middleware is an ancestor of everything it wraps: once the walk has passed the route's own
    frames (``litestar/routes/``), middleware stages no longer match, so the handler's work is not
    charged to the middleware that called it.
    """
    inside_route = False
    for file, function in stack:
        if ROUTE_FRAME in file:
            inside_route = True
        for stage, test in STAGES:
            if test(file, function) and not (inside_route and stage in WRAPPING):
                return stage
    return None


def _fallback(stack: list[tuple[str, str]]) -> str:
    for file, _ in stack:
        for bucket, needles in FALLBACK:
            if any(n in file for n in needles):
                return bucket
    return "other"


def attribute(session: Any) -> tuple[Counter, Counter]:
    """Seconds of samples per stage, and per (stage, innermost function), from a pyinstrument session."""
    totals: Counter = Counter()
    functions: Counter = Counter()
    root = session.root_frame(trim_stem=False)
    if root is None:
        return totals, functions

    def walk(frame: Any, stack: list[tuple[str, str]]) -> None:
        here = [(frame.file_path or "", frame.function or ""), *stack]
        own = frame.total_self_time  # its own samples, [self] and [await] children included
        for child in frame.children:
            if not child.is_synthetic:
                walk(child, here)
        if own <= 0:
            return
        file, function = here[0]
        if function in IDLE and ("selectors.py" in file or "base_events.py" in file):
            totals["(idle: waiting for sockets)"] += own
            return
        stage = _stage_of(here) or _fallback(here)
        totals[stage] += own
        functions[stage, f"{function} ({_short(file)})"] += own

    walk(root, [])
    return totals, functions


def _short(path: str) -> str:
    for marker in ("site-packages/", "/src/", "/templates/", "/lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path.rsplit("/", 1)[-1]


# --- the run ----------------------------------------------------------------------------------------------


async def prepare(db_url: str, redis_url: str, keep: bool) -> None:
    from redis.asyncio import Redis
    from sqlalchemy import text

    from portal.db.demo import seed_demo
    from portal.db.engine import make_engine
    from portal.db.migrate import upgrade

    if not keep:
        engine = make_engine(db_url, pool=False)
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
        await asyncio.to_thread(upgrade, db_url)
    await seed_demo(db_url)
    redis = Redis.from_url(redis_url)
    await redis.flushdb()
    await redis.aclose()


async def pages_for(db_url: str) -> list[Page]:
    from portal.db.demo import tracked_demo_orders

    on_the_way = await tracked_demo_orders(db_url)
    number = on_the_way[-1][0] if on_the_way else "SO-0000-000001"
    return [
        Page("bare (reference)", "/bare", "bare"),
        Page("health", "/health"),
        Page("login (signed out)", "/login"),
        Page("orders", "/orders", "customer"),
        Page("order detail", f"/orders/{number}", "customer"),
        Page("catalog search", "/catalog?q=pump", "customer"),
        Page("staff review", "/staff/review", "staff"),
        Page("staff order", f"/staff/orders/{number}", "staff"),
    ]


async def measure(
    app: Any, page: Page, cookies: dict[str, str], args: argparse.Namespace, counters: Counters
) -> Result:
    """``args.rounds`` rounds of ``args.requests`` requests; CPU and wall per request of the quickest round.

    On a shared machine other work only ever adds time: the minimum is the steadiest figure.
    """
    first = await call(app, page.method, page.path, cookies=cookies)
    for _ in range(max(10, args.requests // 5)):  # warm: connections, template and statement caches
        await call(app, page.method, page.path, cookies=cookies)
    sql0, redis0, set_cookies = counters.sql, counters.redis, 0
    cpu, wall = float("inf"), float("inf")
    for _ in range(args.rounds):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for _ in range(args.requests):
            r = await call(app, page.method, page.path, cookies=cookies)
            set_cookies += sum(1 for k, _ in r.headers if k.lower() == b"set-cookie")
        cpu = min(cpu, (time.process_time() - cpu0) / args.requests)
        wall = min(wall, (time.perf_counter() - wall0) / args.requests)
    n = args.rounds * args.requests
    result = Result(
        page,
        first.status,
        cpu * 1000,
        wall * 1000,
        (counters.sql - sql0) / n,
        (counters.redis - redis0) / n,
        set_cookies / n,
        len(first.body),
    )
    if args.profile:
        await _profile(app, page, cookies, args, result)
    return result


async def _profile(
    app: Any, page: Page, cookies: dict[str, str], args: argparse.Namespace, result: Result
) -> None:
    """Fill ``result.stages`` (and ``.functions``) from a profiled pass, scaled to the unprofiled CPU."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0001, async_mode="disabled")
    profiler.start()
    for _ in range(args.requests):
        await call(app, page.method, page.path, cookies=cookies)
    session = profiler.stop()
    totals, functions = attribute(session)
    busy = sum(v for k, v in totals.items() if not k.startswith("(idle"))
    if busy > 0:
        scale = result.cpu_ms / busy
        result.stages = {k: v * scale for k, v in totals.most_common() if not k.startswith("(idle")}
        result.functions = {f"{stage}: {fn}": v * scale for (stage, fn), v in functions.most_common(60)}
    if args.html is not None:
        args.html.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", page.name.lower()).strip("-")
        (args.html / f"{slug}.html").write_text(profiler.output_html())
        (args.html / f"{slug}.txt").write_text(profiler.output_text(unicode=True, time="percent_of_total"))


async def run(args: argparse.Namespace) -> list[Result]:
    from portal.app import create_app
    from portal.settings import Settings

    db_url = os.environ.get("PROFILE_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL", "")
    redis_url = os.environ.get("PROFILE_REDIS_URL") or os.environ.get("TEST_REDIS_URL", "")
    if not db_url or not redis_url:
        raise SystemExit(
            "set PROFILE_DATABASE_URL and PROFILE_REDIS_URL (or TEST_DATABASE_URL / TEST_REDIS_URL)"
        )
    await prepare(db_url, redis_url, args.keep)
    settings = Settings(
        env=args.env,
        database_url=db_url,
        redis_url=redis_url,
        secret_key="profile-secret-" + "x" * 40,
        log_level="WARNING",
    )
    app = create_app(settings)
    for name in ("", "portal", "httpx", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)
    pages = await pages_for(db_url)
    if args.path:
        pages = [p for p in pages if p.path in args.path or p.name in args.path] or [
            Page(path, path, "customer") for path in args.path
        ]
    results = []
    from bench.bare import bare_app

    bare = bare_app()
    async with app.lifespan():
        counters = Counters(app.state[app.state.db_engine_key])
        sessions = {
            "": {},
            "bare": {},
            "customer": await sign_in(app, "/login", "buyer@example.com"),
            "staff": await sign_in(app, "/staff/login", "reviewer@example.com"),
        }
        for page in pages:
            target = bare if page.who == "bare" else app
            result = await measure(target, page, sessions[page.who], args, counters)
            results.append(result)
            print(
                f"profiled {page.name:<20} {result.cpu_ms:6.2f} ms CPU/request", file=sys.stderr, flush=True
            )
    return results


def report(results: list[Result], top: int) -> str:
    lines = [
        f"{'page':<20} {'status':>6} {'cpu ms':>7} {'÷ bare':>7} {'wall ms':>7} {'sql':>4} {'redis':>5} "
        f"{'cookies':>7} {'bytes':>7}",
    ]
    bare = next((r.cpu_ms for r in results if r.page.who == "bare"), 0.0)
    for r in results:
        lines.append(
            f"{r.page.name:<20} {r.status:>6} {r.cpu_ms:>7.3f} {r.cpu_ms / bare if bare else 0:>7.1f} "
            f"{r.wall_ms:>7.2f} {r.statements:>4.1f} {r.redis_trips:>5.1f} {r.set_cookies:>7.1f} {r.body_bytes:>7}"
        )
    if not any(r.stages for r in results):
        return "\n".join(lines)
    lines += ["", "CPU ms per request by stage (profiled pass, scaled to the unprofiled CPU):"]
    stages = list(dict.fromkeys(s for r in results for s in r.stages))
    width = 34
    lines.append(f"{'stage':<{width}}" + "".join(f"{r.page.name[:12]:>13}" for r in results))
    for stage in stages:
        lines.append(f"{stage:<{width}}" + "".join(f"{r.stages.get(stage, 0.0):>13.3f}" for r in results))
    if top:
        for r in results:
            lines += ["", f"{r.page.name}: the {top} costliest functions (self time, ms per request)"]
            lines += [f"  {ms:7.3f}  {name}" for name, ms in list(r.functions.items())[:top]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench.profile_pipeline", description=__doc__.split("\n\n")[0])
    p.add_argument("--requests", type=int, default=100, help="requests per round (default 100)")
    p.add_argument(
        "--rounds", type=int, default=5, help="timed rounds per page; the quickest counts (default 5)"
    )
    p.add_argument("--env", choices=("prod", "dev"), default="prod", help="settings mode (default prod)")
    p.add_argument("--path", action="append", help="only these pages (name or path); repeatable")
    p.add_argument("--keep", action="store_true", help="keep the database (no schema reset)")
    p.add_argument("--no-profile", dest="profile", action="store_false", help="CPU per request only")
    p.add_argument("--top", type=int, default=0, help="also list each page's N costliest functions")
    p.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    p.add_argument(
        "--html", type=Path, help="write pyinstrument reports (HTML and text trees) into this directory"
    )
    args = p.parse_args(argv)
    if args.requests < 1 or args.rounds < 1:
        p.error("--requests and --rounds must be at least 1")
    results = asyncio.run(run(args))
    print(report(results, args.top))
    if args.json:
        rows = [asdict(r) | {"page": asdict(r.page)} for r in results]
        args.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
