"""CPU per request of the public tracking page, in process, beside an asyncpg + Jinja reference page.

    PROFILE_DATABASE_URL=postgresql://... PROFILE_REDIS_URL=redis://.../N \\
        python -m bench.profile_tracking [--requests 2000] [--profile] [--no-seed]

The database's schema is dropped and rebuilt (like BENCH_DATABASE_URL): point it at a throwaway
database. ``bench.dataset`` then builds a small dataset whose tracked order was walked through the
real domain (production, packing, two shipments, carrier events).

Requests are ASGI calls made directly on the app (no HTTP client, no server), one after another,
so ``time.process_time()`` per request is the worker's own CPU: Python, asyncpg's protocol,
Jinja, redis-py. PostgreSQL's and Redis's own CPU is in their processes and not counted.
``--profile`` runs pyinstrument over the tracking loop and prints where the time goes.
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
        raw_path, _, query = path.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": raw_path,
            "raw_path": raw_path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "state": {},
        }
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
        pool["p"] = await asyncpg.create_pool(dsn, min_size=1, max_size=4)

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


def _cpu_us(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1e6:7.0f} µs median, {statistics.mean(samples) * 1e6:7.0f} µs mean"


async def measure(
    call: Call, path: str, headers: dict[str, str], n: int, expect: int = 200
) -> dict[str, float]:
    """n sequential requests after a warm-up; CPU and wall time per request."""
    for _ in range(min(200, n)):
        status, _, _ = await call(path, headers)
        assert status == expect, (path, status)
    cpu, wall = [], []
    for _ in range(n):
        c0, w0 = time.process_time(), time.perf_counter()
        status, _, _ = await call(path, headers)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        if status != expect:
            raise RuntimeError(f"{path} answered {status}, expected {expect}")
    total_cpu = sum(cpu)
    return {
        "cpu_us_mean": total_cpu / n * 1e6,
        "cpu_us_median": statistics.median(cpu) * 1e6,
        "wall_us_median": statistics.median(wall) * 1e6,
        "rps_if_cpu_bound": n / total_cpu if total_cpu else float("inf"),
    }


async def main_async(args: argparse.Namespace) -> None:
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
        rows: list[tuple[str, dict[str, float]]] = [
            ("reference (asyncpg 12 rows + Jinja)", await measure(ref, REFERENCE_PATH, {}, args.requests)),
            ("/health (portal, no I/O)", await measure(track, "/health", {}, args.requests)),
            ("/track/{token} (render cached)", await measure(track, token_path, browser, args.requests)),
        ]
        if etag:
            revalidate = {**browser, "if-none-match": etag}
            rows.append(
                (
                    "/track/{token} If-None-Match → 304",
                    await measure(track, token_path, revalidate, args.requests, 304),
                )
            )
        rows.append(
            (
                "/track/{bad token} → 404",
                await measure(track, "/track/not-a-token", browser, args.requests, 404),
            )
        )
        print(
            f"\n{'page':<40} {'CPU µs/req (mean)':>18} {'median':>8} {'wall µs':>8} {'req/s if CPU-bound':>19} {'÷ ref':>6}"
        )
        base = rows[0][1]["cpu_us_mean"]
        for name, m in rows:
            print(
                f"{name:<40} {m['cpu_us_mean']:>18.0f} {m['cpu_us_median']:>8.0f} {m['wall_us_median']:>8.0f}"
                f" {m['rps_if_cpu_bound']:>19.0f} {base / m['cpu_us_mean']:>6.2f}"
            )
        if args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0002, async_mode="enabled")
            with profiler:
                for _ in range(args.requests):
                    await track(token_path, browser)
            print(profiler.output_text(unicode=True, color=False, show_all=False, short_mode=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", action="store_true", help="pyinstrument over the tracking loop")
    parser.add_argument(
        "--no-seed", dest="seed", action="store_false", help="reuse the dataset already there"
    )
    args = parser.parse_args()
    asyncio.run(main_async(args))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
