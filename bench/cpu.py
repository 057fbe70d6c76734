"""CPU ms per request of a few pages, in process, without a profiler: the before/after figure of a change.

    PYTHONPATH=src python -m bench.cpu --reuse [--orders 10k] [--requests 300] [--rounds 5] ref_naive orders /cart

Same dataset, environment (PORTAL_ENV=prod) and combined app as ``--profile`` (``bench.inprocess``),
signed in the same way. After 20 warm-up requests per page, ``--rounds`` rounds, each running
``--requests`` requests of every page in turn (a page's rounds are spread over the run); a round's
figure is this process's CPU time (``time.process_time``: the app, asyncpg and the Redis client, not
PostgreSQL's or Redis's own work) over its requests. Prints the median and the minimum per page in
ms, and each page's ratio to ``ref_naive`` when it is measured. CPU time, not wall time: it holds
up on a machine busy with other work, where wall time and req/s do not.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import time
from contextlib import ExitStack
from typing import Any

from bench import run as bench_run
from bench import server
from bench.dataset import order_count
from bench.inprocess import in_process
from bench.scenarios import Scenario, build
from bench.server import DATA_DIR

WARMUP = 20


async def measure(
    env: dict[str, str], secret: str, dataset: Any, names: list[str], requests: int, rounds: int
) -> dict:
    """{page name: [CPU ms per request of each round]}."""
    async with in_process(env) as harness:
        found = {s.name: s for s in await build(harness.client, secret, dataset, DATA_DIR)}
        # a path of its own: signed in as the reviewer under /staff, as the buyer elsewhere
        reader = {True: found["staff_review"].cookie, False: found["orders"].cookie}
        pages = [found.get(n) or Scenario(n, n, n, reader[n.startswith("/staff")]) for n in names]
        for s in pages:
            for _ in range(WARMUP):
                await harness.call(s.path, s.cookie)
        out: dict[str, list[float]] = {n: [] for n in names}
        for _ in range(rounds):
            for s in pages:
                started = time.process_time()
                for _ in range(requests):
                    status, _size = await harness.call(s.path, s.cookie)
                    if not 200 <= status < 300 and not s.name.startswith(
                        "/"
                    ):  # a path may be a 404 on purpose
                        raise RuntimeError(f"{s.name}: GET {s.path} answered {status}")
                out[s.name].append((time.process_time() - started) * 1000 / requests)
        return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="bench.cpu", description=__doc__.split("\n\n")[0])
    p.add_argument("pages", nargs="+", help="endpoint names of bench/scenarios.py, or paths")
    p.add_argument("--orders", type=order_count, default=10_000)
    p.add_argument("--products", type=int, default=2000)
    p.add_argument("--requests", type=int, default=300, help="requests per page per round (300)")
    p.add_argument("--rounds", type=int, default=5, help="rounds; median and minimum reported (5)")
    p.add_argument("--reuse", action="store_true", help="keep the bench database when it holds the dataset")
    args = p.parse_args(argv)
    with ExitStack() as stack:
        db_url, redis_url = server.services(stack)
        bench_run._quiet()
        dataset = bench_run._dataset(args, db_url)
        secret = secrets.token_urlsafe(48)
        env = server.environment(db_url, redis_url, secret, 0, dataset.demo_account_id)
        found = asyncio.run(measure(env, secret, dataset, args.pages, args.requests, args.rounds))
    ref = statistics.median(found["ref_naive"]) if "ref_naive" in found else None
    print(f"CPU ms per request, {args.rounds} rounds x {args.requests} requests, {dataset.orders:,} orders")
    for name, ms in found.items():
        med = statistics.median(ms)
        ratio = f"  ÷naive {ref / med:.2f}" if ref else ""
        print(f"  {name:14} median {med:6.2f}  min {min(ms):6.2f}{ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
