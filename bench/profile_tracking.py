"""CPU per request of the public tracking page, in process, beside an asyncpg + Jinja reference page.

    PROFILE_DATABASE_URL=postgresql://... PROFILE_REDIS_URL=redis://.../N \\
        python -m bench.profile_tracking [--requests 1000] [--rounds 5] [--concurrency 1]
                                         [--parts] [--profile] [--no-seed]

(TEST_DATABASE_URL / TEST_REDIS_URL are used when the PROFILE_ ones are not set.) The database's
schema is dropped and rebuilt (like BENCH_DATABASE_URL): point it at a throwaway database.
``bench.dataset`` then builds a small dataset whose tracked order was walked through the real
domain (production, packing, two shipments, carrier events); ``--no-seed`` reuses it.

Requests are ASGI calls made directly on the apps (no HTTP client, no server), so
``time.process_time()`` over a batch is the worker's own CPU per request: Python, asyncpg's
protocol, Jinja, redis-py, and the kernel's share of their sockets. PostgreSQL's and Redis's own
CPU is in their processes and not counted. The pages are measured in alternating rounds and the
medians reported, with each page's ratio to the reference (one asyncpg query of 12 rows and a
Jinja page, issue 11's yardstick) and to a bare Litestar endpoint. ``--parts`` also times the
pieces of a tracking request alone; ``--profile`` runs pyinstrument (wall clock) over the page.
See bench/TRACKING.md for what it showed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Litestar, MediaType, get
from litestar.response import Response

from bench.inprocess import get_scope

warnings.filterwarnings("ignore", message=".*declarative_mixin.*")

REFERENCE_PATH = "/reference"
REFERENCE_SQL = "SELECT id, sku, name_en, category, list_price FROM products ORDER BY id LIMIT 12"
REFERENCE_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1><table>{% for p in rows %}
<tr><td>{{ p.sku }}</td><td>{{ p.name_en }}</td><td>{{ p.category }}</td><td>{{ p.list_price }}</td></tr>
{% endfor %}</table></main></body></html>"""

Call = Callable[[str, dict[str, str]], Awaitable[tuple[int, dict[str, str], bytes]]]


def asgi_caller(app: Any) -> Call:
    """``await call(path, headers)`` → (status, response headers, body): one GET, no client in between."""

    async def call(path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        encoded = [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        scope = get_scope(path, encoded)
        sent = False
        status, out_headers, body = 0, {}, bytearray()

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                out_headers.update({k.decode(): v.decode() for k, v in message.get("headers", [])})
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        await app(scope, receive, send)
        return status, out_headers, bytes(body)

    return call


def reference_app(database_url: str) -> Any:
    """Litestar + one asyncpg query of 12 rows + a Jinja page: the yardstick issue 11 names."""
    import asyncpg
    from jinja2 import Environment

    env = Environment(autoescape=True)
    template = env.from_string(REFERENCE_PAGE)
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://")
    pool: dict[str, Any] = {}

    async def open_pool(app: Litestar) -> None:
        pool["p"] = await asyncpg.create_pool(
            dsn, min_size=1, max_size=10
        )  # the portal's pool: 5 + 10 overflow

    async def close_pool(app: Litestar) -> None:
        await pool["p"].close()

    @get(REFERENCE_PATH)
    async def reference() -> Response:
        async with pool["p"].acquire() as conn:
            rows = await conn.fetch(REFERENCE_SQL)
        return Response(template.render(title="Products", rows=rows), media_type=MediaType.HTML)

    return Litestar(
        route_handlers=[reference],
        on_startup=[open_pool],
        on_shutdown=[close_pool],
        openapi_config=None,
        debug=False,
    )


async def _seed(database_url: str) -> Any:
    from bench.dataset import generate
    from bench.run import _reset_schema
    from portal.db.migrate import upgrade

    await _reset_schema(database_url)
    await asyncio.to_thread(upgrade, database_url)
    return await generate(database_url, products=200, orders=40)


async def _tracked(database_url: str) -> tuple[int, int]:
    """(order id, link version) of the domain-made order of an existing bench dataset."""
    from sqlalchemy import text

    from portal.db.engine import make_engine

    engine = make_engine(database_url, pool=False)
    try:
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT o.id, o.tracking_link_version FROM orders o JOIN shipments s ON s.order_id = o.id"
                        " WHERE o.number IS NOT NULL ORDER BY o.id LIMIT 1"
                    )
                )
            ).one()
    finally:
        await engine.dispose()
    return int(row[0]), int(row[1])


async def measure(
    call: Call, path: str, headers: dict[str, str], n: int, expect: int = 200, concurrency: int = 1
) -> float:
    """Mean CPU seconds per request over n requests, ``concurrency`` at a time (after a warm-up).

    One at a time, the process idles during every database round trip and other processes take
    the core (and its caches); many at a time, like a server under load, it always has work.
    """

    async def client(count: int) -> None:
        for _ in range(count):
            status, _, _ = await call(path, headers)
            if status != expect:
                raise RuntimeError(f"{path} answered {status}, expected {expect}")

    await client(min(100, n))
    c0 = time.process_time()
    await asyncio.gather(*(client(n // concurrency) for _ in range(concurrency)))
    return (time.process_time() - c0) / (n // concurrency * concurrency)


async def parts(portal: Litestar, order_id: int, token: str, rounds: int, n: int) -> None:
    """The pieces of a tracking request, each timed alone (CPU µs per call, median of rounds)."""
    from sqlalchemy.ext.asyncio import AsyncSession

    from portal.domain.fulfilment.public_view import current_fingerprint, fingerprint, tracking_snapshot
    from portal.lru import BoundedLRU

    links = portal.state.tracking_links
    engine = portal.state[portal.state.db_engine_key]
    redis = portal.state.redis
    await redis.set("profile:page", b"x" * 7500)
    lru: BoundedLRU[tuple[int, str, str], bytes] = BoundedLRU(512)
    lru.put((order_id, "zh_CN", "etag"), b"x" * 7500)
    version = links.read(token).version

    async def orm_fingerprint() -> None:  # what advanced-alchemy's per-request session did
        async with AsyncSession(engine, expire_on_commit=False, autoflush=False) as db:
            await fingerprint(db, order_id)
            await db.commit()

    async def verify() -> None:
        links._verify(token)

    async def remembered() -> None:
        links.read(token)

    async def raw_fingerprint() -> None:
        await current_fingerprint(engine, order_id)

    async def redis_get() -> None:
        await redis.get("profile:page")

    async def lru_get() -> None:
        lru.get((order_id, "zh_CN", "etag"))

    async def snapshot() -> None:
        await tracking_snapshot(engine, order_id=order_id, link_version=version)

    async def response() -> None:
        Response(b"x" * 7500, media_type=MediaType.HTML, headers={"ETag": '"e"', "Cache-Control": "no-store"})

    pieces = [
        ("token: joserfc verify (before, every request)", verify, n),
        ("token: remembered, expiry compared (after)", remembered, n),
        ("fingerprint: ORM session + commit (before)", orm_fingerprint, n),
        ("fingerprint: asyncpg on the engine pool (after)", raw_fingerprint, n),
        ("Redis GET of a 7.5 KB render (before, every hit)", redis_get, n),
        ("in-process LRU lookup (after)", lru_get, n),
        ("miss: REPEATABLE READ snapshot, ORM", snapshot, max(n // 10, 20)),
        ("Litestar Response() of the body", response, n),
    ]
    cpu: dict[str, list[float]] = {name: [] for name, *_ in pieces}
    for _ in range(rounds):
        for name, fn, count in pieces:
            c0 = time.process_time()
            for _ in range(count):
                await fn()
            cpu[name].append((time.process_time() - c0) / count)
    print(f"\n{'piece (timed alone)':<50} {'CPU µs/call':>12}")
    for name, *_ in pieces:
        print(f"{name:<50} {statistics.median(cpu[name]) * 1e6:>12.0f}")


async def main_async(args: argparse.Namespace) -> None:
    from bench.bare import BARE_PATH, bare_app
    from portal.app import create_app
    from portal.auth.tracking_links import TrackingLinks
    from portal.settings import Settings

    db_url = os.environ.get("PROFILE_DATABASE_URL") or os.environ["TEST_DATABASE_URL"]
    redis_url = os.environ.get("PROFILE_REDIS_URL") or os.environ["TEST_REDIS_URL"]
    if args.seed:
        dataset = await _seed(db_url)
        order_id, version = dataset.tracking_order_id, dataset.tracking_link_version
    else:
        order_id, version = await _tracked(db_url)
    settings = Settings(
        env="prod",
        database_url=db_url,
        redis_url=redis_url,
        secret_key="profile-secret-" + "p" * 40,
        base_url="https://portal.example",
        log_level="WARNING",
    )
    portal = create_app(settings)
    reference = reference_app(db_url)
    bare = asgi_caller(bare_app())
    token_path = TrackingLinks(settings.secret_key, ttl_days=settings.tracking_link_days).path(
        order_id, version
    )
    browser = {"accept-language": "zh-CN,zh;q=0.9", "host": "portal.example"}
    async with portal.lifespan(), reference.lifespan():
        await portal.state.redis.flushdb()
        track, ref = asgi_caller(portal), asgi_caller(reference)
        status, headers, body = await track(token_path, browser)
        assert status == 200, status
        etag = headers.get("etag")
        print(
            f"tracking page: {len(body)} bytes, etag={etag!r}, cache-control={headers.get('cache-control')!r}"
        )
        scenarios: list[tuple[str, Call, str, dict[str, str], int]] = [
            ("reference: asyncpg 12 rows + Jinja", ref, REFERENCE_PATH, {}, 200),
            ("bare Litestar endpoint", bare, BARE_PATH, {}, 200),
            ("/health (portal, no I/O)", track, "/health", {}, 200),
            ("/track/{token}, render cached", track, token_path, browser, 200),
        ]
        if etag:
            revalidate = {**browser, "if-none-match": etag}
            scenarios.append(("/track/{token}, If-None-Match → 304", track, token_path, revalidate, 304))
        scenarios.append(("/track/{bad token} → 404", track, "/track/not-a-token", browser, 404))
        cpu: dict[str, list[float]] = {name: [] for name, *_ in scenarios}
        for _ in range(args.rounds):  # alternating rounds: a busy machine slows every page alike
            for name, caller, path, headers, expect in scenarios:
                cpu[name].append(
                    await measure(caller, path, headers, args.requests, expect, args.concurrency)
                )
        reference_cpu = cpu[scenarios[0][0]]
        print(
            f"\n{args.rounds} rounds × {args.requests} requests, {args.concurrency} at a time;"
            " medians over the rounds"
        )
        print(f"{'page':<40} {'CPU µs/req':>11} {'req/s if CPU-bound':>19} {'÷ reference':>12}")
        for name, *_ in scenarios:
            median = statistics.median(cpu[name])
            ratio = statistics.median(r / c for r, c in zip(reference_cpu, cpu[name], strict=True))
            print(f"{name:<40} {median * 1e6:>11.0f} {1 / median:>19.0f} {ratio:>11.2f}×")
        if args.parts:
            await parts(portal, order_id, token_path.rsplit("/", 1)[1], args.rounds, args.requests)
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002, async_mode="enabled")
            with profiler:
                for _ in range(args.requests):
                    await track(token_path, browser)
            print(profiler.output_text(unicode=True, color=False, show_all=False, short_mode=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="per page and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=1, help="requests in flight at once")
    parser.add_argument("--parts", action="store_true", help="also time the pieces of a request alone")
    parser.add_argument("--profile", action="store_true", help="pyinstrument over the tracking loop")
    parser.add_argument(
        "--no-seed", dest="seed", action="store_false", help="reuse the dataset already there"
    )
    args = parser.parse_args()
    asyncio.run(main_async(args))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
