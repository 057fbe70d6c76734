"""`make bench`: the portal's hot pages against a bare endpoint and reference pages, in one worker.

    .venv/bin/python -m bench.run [--rounds 3] [--duration 5] [--orders 10k|1m|N] [--only orders,cart]
                                  [--profile orders] [--reuse] …   (--help lists every option)

1. PostgreSQL and Redis: BENCH_DATABASE_URL / BENCH_REDIS_URL when set, else embedded ones under
   var/bench. The bench database's schema is dropped and rebuilt (unless ``--reuse`` finds the
   same dataset there): point BENCH_DATABASE_URL at a throwaway database.
2. Migrations, then ``bench.dataset``: demo data, N products, M orders (set-based SQL), a cart.
3. SQL statements per request of every page, and of the list pages at two lengths, in process.
4. One granian worker (``--interface asgi``) pinned to one core with taskset, serving
   ``bench.bare:combined``: ``/bare``, the references of ``bench.refs`` and the portal.
5. Debian's ``wrk -t1 -c32`` pinned to the other core (installed when missing; a Python client is
   the labelled fallback): a warm-up pass, then ``--rounds`` rounds, round-robin over the endpoints.
   Then ``hey`` drives each page at half its median req/s for the p99 at that rate.
6. The tables (medians over rounds, ratios, goals met or not) and var/bench/results.json. Any
   non-2xx response, or other processes using the CPU, is reported loudly. Exit status 0, even
   when goals are not met or the run fails: this reports, it does not gate. Everything started
   here is stopped on exit, Ctrl-C and SIGTERM included.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import secrets
import signal
import sys
import traceback
import warnings
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench import load, machine, report, server
from bench.dataset import Dataset, order_count
from bench.machine import say
from bench.scenarios import Scenario
from bench.server import DATA_DIR, HOST, ROOT

warnings.filterwarnings("ignore", message=".*declarative_mixin.*")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench.run", description=__doc__.split("\n\n")[0])
    a = p.add_argument
    a("--rounds", type=int, default=3, help="alternating rounds over all endpoints; medians reported (3)")
    a("--duration", type=float, default=5.0, help="seconds per endpoint per round (5)")
    a("--warmup", type=float, default=1.0, help="seconds per endpoint in the discarded warm-up pass (1)")
    a("--connections", type=int, default=32, help="wrk connections, one thread (32)")
    a("--products", type=int, default=2000, help="generated products (2000)")
    a(
        "--orders",
        type=order_count,
        default=10_000,
        help="orders of the demo buyer: N, or 10k, 100k, 1m (10k)",
    )
    a("--only", default="", help="comma-separated endpoint names to measure (references always are)")
    a("--client", choices=("wrk", "python"), default="wrk", help="load generator (wrk; python is a fallback)")
    a("--server-core", type=int, default=0, help="core the granian worker is pinned to (0)")
    a("--client-core", type=int, default=1, help="core wrk and hey are pinned to (1)")
    a("--fixed-duration", type=float, default=5.0, help="seconds of the fixed-rate run per endpoint (5)")
    a("--fixed-workers", type=int, default=16, help="hey workers (-c) for the fixed-rate run (16)")
    a("--no-fixed", action="store_true", help="skip the fixed-rate (hey) run")
    a("--no-statements", action="store_true", help="skip counting SQL statements")
    a("--reuse", action="store_true", help="keep the bench database when it holds the same dataset")
    a("--profile", metavar="PAGE", help="profile PAGE (endpoint name or path) in process instead of loading")
    a("--profile-requests", type=int, default=200, help="requests profiled (200)")
    a("--profile-html", type=Path, help="also write pyinstrument's HTML report here")
    args = p.parse_args(argv)
    if args.rounds < 1 or args.duration <= 0 or args.connections < 1 or args.products < 0:
        p.error("--rounds, --duration and --connections must be positive, --products not negative")
    return args


def _raise_interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    signal.signal(signal.SIGTERM, _raise_interrupt)  # SIGTERM cleans up like Ctrl-C
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        try:
            run(args, stack)
        except KeyboardInterrupt:
            print("\nbench: interrupted; stopping what was started", file=sys.stderr, flush=True)
        except Exception:  # noqa: BLE001 - reported, not raised: the benchmark never fails the build
            traceback.print_exc()
            print("bench: could not complete the benchmark (see above)", file=sys.stderr, flush=True)
        finally:
            say("stopping server and services")
    return 0


def _quiet() -> None:
    """Libraries that configure their own INFO logging (pgserver, alembic) report warnings only."""
    for name in ("", "pgserver", "httpx", "portal", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _dataset(args: argparse.Namespace, db_url: str) -> Dataset:
    """The dataset: rebuilt, or (``--reuse``) the one var/bench/dataset-<orders>.json says is in this database.

    A reused database is still migrated to the newest schema (tables added since it was built stay empty).
    """
    from bench.dataset import generate
    from portal.db import migrate

    saved = DATA_DIR / f"dataset-{args.orders}.json"  # one per size: a 10k and a 1m database side by side
    key = {"database": db_url, "products": args.products, "orders": args.orders}
    if args.reuse and saved.exists():
        data = json.loads(saved.read_text())
        if data.get("key") == key:
            say("reusing the dataset already in the bench database (--reuse); migrating it")
            migrate.upgrade(db_url)
            _quiet()
            return Dataset(**data["dataset"])
    say("resetting the bench schema and migrating")
    asyncio.run(server.reset_schema(db_url))
    migrate.upgrade(db_url)
    _quiet()
    say(f"generating the dataset: {args.products:,} products, {args.orders:,} orders (set-based SQL)")
    dataset = asyncio.run(generate(db_url, products=args.products, orders=args.orders, progress=say))
    say(
        f"dataset ready in {dataset.seconds:.1f} s ({dataset.products:,} products, {dataset.orders:,} orders)"
    )
    saved.parent.mkdir(parents=True, exist_ok=True)  # var/bench is not there when BENCH_DATABASE_URL is given
    saved.write_text(json.dumps({"key": key, "dataset": asdict(dataset)}, indent=2) + "\n")
    return dataset


async def _in_process(env: dict[str, str], secret: str, dataset: Dataset, counts: bool) -> dict[str, Any]:
    from bench import statements
    from bench.inprocess import in_process
    from bench.scenarios import build

    async with in_process(env) as harness:
        found = await build(harness.client, secret, dataset, DATA_DIR)
        if not counts:
            return {}
        reviewer = next(s.cookie for s in found if s.name == "staff_review")
        return {
            "per_page": await statements.per_page(harness, found),
            "list_lengths": await statements.list_lengths(harness, reviewer, dataset.small_account_id),
        }


def run(args: argparse.Namespace, stack: ExitStack) -> None:
    from portal import clock
    from portal.embedded import free_port

    busy_before = machine.busy_cores(1.0)  # before anything of ours runs
    say(f"machine: {busy_before:.2f} of {os.cpu_count()} cores busy before the run")
    db_url, redis_url = server.services(stack)
    _quiet()
    dataset = _dataset(args, db_url)
    secret = secrets.token_urlsafe(48)
    port = free_port()
    env = server.environment(db_url, redis_url, secret, port, dataset.demo_account_id)
    if args.profile:
        from bench.profile import profile

        asyncio.run(profile(env, secret, dataset, args.profile, args.profile_requests, args.profile_html))
        return
    counted: dict[str, Any] = {}
    if not args.no_statements:
        say("counting SQL statements per request (in process)")
        counted = asyncio.run(_in_process(env, secret, dataset, counts=True))
    cores = machine.cpu_affinity()
    pinned = len(cores) >= 2 and args.server_core in cores and args.client_core in cores
    server_core, client_core = (args.server_core, args.client_core) if pinned else (None, None)
    proc = server.serve(stack, env, port, server_core)
    found = asyncio.run(_scenarios(f"http://{HOST}:{port}", secret, dataset))
    if args.only:
        wanted = {x.strip() for x in args.only.split(",")}
        found = [s for s in found if s.kind != "portal" or s.name in wanted]
    wrk = machine.ensure_tool("wrk") if args.client == "wrk" else None
    hey = None if args.no_fixed else machine.ensure_tool("hey")
    client = "wrk" if wrk else "python (FALLBACK: closed loop in the bench process, not pinned)"
    results = {
        "started_at": clock.now().isoformat(timespec="seconds"),
        "machine": machine.info(server_core, client_core),
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "dataset": asdict(dataset),
        "run": {"client": client, "server_core": server_core, "client_core": client_core,
                "busy_cores_before": round(busy_before, 2)},
    }  # fmt: skip

    def measure(s: Scenario, seconds: float) -> load.Sample:
        url = f"http://{HOST}:{port}{s.path}"
        server.wait_idle(proc.pid, db_url)  # what the previous endpoint left queued is not counted here
        monitor.start()
        if wrk:
            sample = load.wrk(wrk, url, cookie=s.cookie, seconds=seconds, connections=args.connections,
                              core=client_core, script=DATA_DIR / "count.lua")  # fmt: skip
        else:
            sample = load.python_client(
                HOST, port, s.path, cookie=s.cookie, seconds=seconds, connections=args.connections
            )
        sample.others_cores, busiest = monitor.stop()
        if sample.others_cores > machine.BUSY_THRESHOLD:
            results["run"].setdefault("busiest_others", busiest)
        return sample

    say(
        f"load: {client}, {args.connections} connections; server core {server_core}, client core {client_core}"
    )
    monitor = machine.OthersMonitor()
    say(f"warm-up pass: {args.warmup:g} s per endpoint")
    for s in found:
        measure(s, args.warmup)
    monitor.ours_pids = asyncio.run(server.backend_pids(db_url))  # the pools are open now
    samples: dict[str, list[load.Sample]] = {s.name: [] for s in found}
    for r in range(args.rounds):
        order = found[r % len(found) :] + found[: r % len(found)]  # each round starts one endpoint later
        say(f"round {r + 1} of {args.rounds}: {len(order)} endpoints x {args.duration:g} s")
        for s in order:
            sample = measure(s, args.duration)
            samples[s.name].append(sample)
            flag = f"  {sample.errors} ERRORS {sample.statuses}" if sample.errors else ""
            say(f"  {s.name:<13} {sample.rps:>9,.0f} req/s  p99 {sample.p99_ms:6.1f} ms{flag}")
    per_page = counted.get("per_page", {})
    rows = [report.summarize(s, samples[s.name], per_page.get(s.name)) for s in found]
    if hey and not args.no_fixed:
        _fixed_rate(hey, found, rows, args, port, client_core, lambda: server.wait_idle(proc.pid, db_url))
    elif not args.no_fixed:
        results["run"]["fixed_rate_skipped"] = "hey is not available (apt-get install hey)"
    report.judge(rows, {s.name: s for s in found})
    results["rows"] = [asdict(r) for r in rows]
    results["statements"] = counted
    blocks = report.warnings(rows, results["run"])
    results["warnings"] = blocks
    _print(rows, counted, blocks, args)
    text = json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n"
    out = DATA_DIR / "results.json"
    out.write_text(text)
    (DATA_DIR / f"results-{args.orders}.json").write_text(text)  # kept per size: 1m is compared with 10k
    say(f"results written to {out.relative_to(ROOT)} and results-{args.orders}.json")
    small = DATA_DIR / "results-10000.json"
    if args.orders > 10_000 and small.exists():
        print("\n".join(report.scale_lines(rows, json.loads(small.read_text()), args.orders)))
    if proc.poll() is not None:
        say(f"WARNING: granian exited during the run (code {proc.returncode}); see var/bench/server.log")


async def _scenarios(base: str, secret: str, dataset: Dataset) -> list[Scenario]:
    import httpx

    from bench.scenarios import build

    async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=30) as client:
        return await build(client, secret, dataset, DATA_DIR)


def _fixed_rate(
    hey: str,
    found: list[Scenario],
    rows: list[report.Row],
    args: argparse.Namespace,
    port: int,
    core: int | None,
    settle: Callable[[], float],
) -> None:
    say(f"fixed-rate run (hey): each endpoint at half its median req/s for {args.fixed_duration:g} s")
    for s, row in zip(found, rows, strict=True):
        target = row.rps / 2
        row.fixed = report.Fixed(target_rps=round(target, 1))
        if target < 1:
            row.fixed.note = "not run: saturation below 2 req/s"
            continue
        settle()
        try:
            sample = load.hey(hey, f"http://{HOST}:{port}{s.path}", cookie=s.cookie, seconds=args.fixed_duration,
                              rate=target, workers=args.fixed_workers, core=core)  # fmt: skip
        except (RuntimeError, OSError) as exc:
            row.fixed.note = f"hey failed: {exc}"[:120]
            continue
        row.fixed.achieved_rps, row.fixed.p50_ms, row.fixed.p99_ms = sample.rps, sample.p50_ms, sample.p99_ms
        row.fixed.errors = sample.errors
        say(
            f"  {s.name:<13} {target:>8,.0f} req/s asked, {sample.rps:>8,.0f} done, p99 {sample.p99_ms:6.1f} ms"
        )


def _print(
    rows: list[report.Row], counted: dict[str, Any], blocks: list[str], args: argparse.Namespace
) -> None:
    print()
    print(f"Throughput: medians of {args.rounds} rounds x {args.duration:g} s, wrk -t1 -c{args.connections}; "
          "÷X = req/s over X's in this run; SQL = statements per request")  # fmt: skip
    print(report.table(rows))
    if any(r.fixed for r in rows):
        print()
        print("Fixed rate: hey at half of each page's median req/s (rate), p99 at that rate")
        print(report.fixed_table(rows))
    if counted.get("list_lengths"):
        print()
        print("\n".join(report.statements_lines(counted["list_lengths"])))
    for block in blocks:
        print()
        print(block)
    print()


if __name__ == "__main__":
    sys.exit(main())
