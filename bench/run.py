"""`make bench`: requests/second of the portal's hot pages as ratios to a bare Litestar endpoint.

    .venv/bin/python -m bench.run [--duration 5] [--concurrency 16] [--products 2000] [--orders 500]

1. PostgreSQL and Redis: BENCH_DATABASE_URL / BENCH_REDIS_URL when set, else embedded ones under
   var/bench (database ``portal_bench``). The bench database's schema is dropped and rebuilt
   every run (like TEST_DATABASE_URL in the tests): point BENCH_DATABASE_URL at a throwaway database.
2. Migrations, then ``bench.dataset``: demo data, N products, M orders of the demo buyer.
3. SQL statements per request of /orders and /staff/review at two list lengths, counted in
   process: the "no more queries as lists grow" check.
4. One granian process, one worker, ``--interface asgi`` on a free 127.0.0.1 port, serving
   ``bench.bare:combined``: ``/bare`` is a bare Litestar app, everything else the portal
   (PORTAL_ENV=prod). Both are measured in the same process, in the same run.
5. A small asyncio HTTP/1.1 keep-alive load generator (fixed connections, warm-up, then a fixed
   duration per scenario), the table, and var/bench/results.json. Exit status 0, even when a
   page is BELOW its goal or the run fails (the traceback is printed): this reports, it does not
   gate CI. Everything started here is stopped on exit, Ctrl-C and SIGTERM included.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import platform
import re
import secrets
import signal
import statistics
import subprocess
import sys
import time
import traceback
import warnings
from collections import Counter
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from portal import clock

warnings.filterwarnings("ignore", message=".*declarative_mixin.*")

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "var" / "bench"
HOST = "127.0.0.1"
DEMO_PASSWORD = "demo-password"  # portal.db.demo.DEMO_PASSWORD
SERVER_START_TIMEOUT = 60.0
SERVER_STOP_TIMEOUT = 10.0
TRACKING_GOAL = 0.30  # docs/architecture.md, "Performance goals"
SIGNED_IN_GOAL = 0.15
ORDER_NUMBER = re.compile(r"SO-\d{4}-\d{6}")


@dataclass
class Scenario:
    name: str
    path: str
    goal: float | None = None
    cookie: str = ""
    expect: str = ""  # a pattern the page must contain, checked once before the load
    note: str = ""


@dataclass
class Measured:
    name: str
    path: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    non_200: dict[str, int]
    bytes_per_response: int
    client_cpu: float  # cores used by this load generator
    server_cpu: float  # cores used by granian (all its processes)
    server_cpu_ms: float  # granian CPU time per 200 response: robust to a busy machine
    goal: float | None = None
    ratio: float | None = None
    cpu_ratio: float | None = None  # bare's CPU per request / this one's: the ratio if CPU were the limit
    verdict: str = ""
    note: str = ""


@dataclass
class Report:
    started_at: str
    machine: dict[str, Any]
    options: dict[str, Any]
    dataset: dict[str, Any]
    bare_rps: float = 0.0
    scenarios: list[Measured] = field(default_factory=list)
    statements: dict[str, Any] = field(default_factory=dict)


# --- entry point -------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench.run", description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=5.0, help="seconds measured per scenario (default 5)")
    p.add_argument("--warmup", type=float, default=1.0, help="seconds of warm-up per scenario (default 1)")
    p.add_argument("--concurrency", type=int, default=16, help="keep-alive connections (default 16)")
    p.add_argument("--products", type=int, default=2000, help="generated products (default 2000)")
    p.add_argument("--orders", type=int, default=500, help="orders of the demo buyer (default 500)")
    p.add_argument(
        "--client",
        choices=("raw", "httpx"),
        default="raw",
        help="load generator: raw asyncio HTTP/1.1 (default; drives /bare to the server's limit) "
        "or httpx.AsyncClient (slower: /bare becomes client-bound and ratios look better)",
    )
    p.add_argument("--no-statements", action="store_true", help="skip the SQL statement counts")
    args = p.parse_args(argv)
    if args.duration <= 0 or args.concurrency < 1 or args.products < 0 or args.orders < 0:
        p.error("--duration and --concurrency must be positive, --products and --orders not negative")
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
            print("bench: stopping server and services", flush=True)
    return 0


def run(args: argparse.Namespace, stack: ExitStack) -> None:
    from bench.dataset import generate
    from portal.db import migrate

    busy_before_run = _busy_cores()  # before anything of ours runs
    db_url, redis_url = _services(stack)
    _quiet()
    _say("resetting the bench schema and migrating")
    asyncio.run(_reset_schema(db_url))
    migrate.upgrade(db_url)
    _say(f"generating the dataset: {args.products} products, {args.orders} orders")
    dataset = asyncio.run(generate(db_url, products=args.products, orders=args.orders))
    _say(f"dataset ready in {dataset.seconds:.1f} s ({dataset.products} products, {dataset.orders} orders)")
    secret = secrets.token_urlsafe(48)
    report = Report(
        started_at=clock.now().isoformat(timespec="seconds"),
        machine=_machine(busy_before_run),
        options={
            k: getattr(args, k) for k in ("duration", "warmup", "concurrency", "products", "orders", "client")
        },
        dataset=asdict(dataset),
    )
    if not args.no_statements:
        _say("counting SQL statements per request (in process)")
        report.statements = asyncio.run(_statement_counts(db_url, redis_url, secret, dataset))
    port, proc = _serve(stack, db_url, redis_url, secret)
    base = f"http://{HOST}:{port}"
    scenarios = asyncio.run(_scenarios(base, secret, dataset))
    _say(
        f"measuring {len(scenarios)} scenarios: {args.warmup:g} s warm-up + {args.duration:g} s each, "
        f"{args.concurrency} connections, {args.client} client"
    )
    for scenario in scenarios:
        measured = asyncio.run(_measure(port, proc.pid, scenario, args))
        report.scenarios.append(measured)
        _say(f"  {scenario.name:<14} {measured.rps:>9.0f} req/s")
    _judge(report)
    print()
    print(_table(report))
    out = DATA_DIR / "results.json"
    out.write_text(json.dumps(asdict(report), indent=2, ensure_ascii=False, default=str) + "\n")
    print(f"\nbench: results written to {out.relative_to(ROOT)}")


def _quiet() -> None:
    """Libraries that configure their own INFO logging (pgserver) report warnings only here."""
    for name in ("", "pgserver", "httpx", "portal", "alembic"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _say(message: str) -> None:
    print(f"bench: {message}", flush=True)


def _busy_cores(seconds: float = 1.0) -> float:
    """CPU cores in use by other work on the machine, measured over ``seconds``."""
    import psutil

    return psutil.cpu_percent(interval=seconds) / 100 * (os.cpu_count() or 1)


def _machine(busy_before_run: float) -> dict[str, Any]:
    import granian
    import litestar

    return {
        "cpus": os.cpu_count(),
        "busy_cores_before_run": round(busy_before_run, 2),  # other work on the machine skews req/s
        "python": platform.python_version(),
        "platform": platform.platform(),
        "granian": granian.__version__,
        "litestar": str(litestar.__version__),
        "server": "granian --interface asgi --workers 1 (one process serves /bare and the portal)",
    }


# --- services and server -------------------------------------------------------------------------------


def _services(stack: ExitStack) -> tuple[str, str]:
    db_url = os.environ.get("BENCH_DATABASE_URL", "")
    redis_url = os.environ.get("BENCH_REDIS_URL", "")
    if db_url and redis_url:
        _say("using BENCH_DATABASE_URL and BENCH_REDIS_URL")
        return db_url, redis_url
    from portal.embedded import EmbeddedServices

    embedded = EmbeddedServices(data_dir=DATA_DIR, database="portal_bench")
    stack.callback(embedded.stop)  # registered first: stopped even if starting is interrupted
    if not db_url:
        _say("starting embedded PostgreSQL under var/bench")
        db_url = embedded.start_postgres()
    if not redis_url:
        _say("starting embedded Redis")
        redis_url = embedded.start_redis()
    return db_url, redis_url


async def _reset_schema(url: str) -> None:
    from sqlalchemy import text

    from portal.db.engine import make_engine

    engine = make_engine(url, pool=False)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


def _serve(stack: ExitStack, db_url: str, redis_url: str, secret: str) -> tuple[int, subprocess.Popen]:
    from portal.embedded import answers, free_port, stop_server

    port = free_port()
    env = {
        **os.environ,
        "PORTAL_ENV": "prod",  # as deployed: secure cookies, HSTS, no dev mailbox
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secret,
        "BASE_URL": f"http://{HOST}:{port}",
        "PORTAL_DATA_DIR": str(DATA_DIR / "data"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
        "PYTHONUNBUFFERED": "1",
    }
    argv = [
        sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "bench.bare:combined",
        "--host", HOST, "--port", str(port), "--workers", "1", "--no-ws", "--log-level", "warning",
    ]  # fmt: skip
    log_path = DATA_DIR / "server.log"
    with log_path.open("wb") as log:
        # its own session: Ctrl-C reaches this process only, which then stops the server in order
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    stack.callback(stop_server, proc, SERVER_STOP_TIMEOUT)
    _say(f"granian (1 worker) serving the portal and /bare on {HOST}:{port}; log var/bench/server.log")
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while not (answers(f"http://{HOST}:{port}/health") and answers(f"http://{HOST}:{port}/bare")):
        if proc.poll() is not None:
            raise RuntimeError(f"granian exited with code {proc.returncode}; see {log_path}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"granian did not answer within {SERVER_START_TIMEOUT:.0f} s; see {log_path}")
        time.sleep(0.1)
    return port, proc


# --- scenarios -------------------------------------------------------------------------------------------


def _cookies(response: Any) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        jar.load(header)
    return {k: m.value for k, m in jar.items()}


def _cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


async def _sign_in(client: Any, path: str, email: str) -> str:
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


async def _scenarios(base: str, secret: str, dataset: Any) -> list[Scenario]:
    import httpx

    from portal.auth.tracking_links import TrackingLinks

    track = TrackingLinks(secret).path(dataset.tracking_order_id, dataset.tracking_link_version)
    async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=30) as client:
        customer = await _sign_in(client, "/login", "buyer@example.com")
        reviewer = await _sign_in(client, "/staff/login", "reviewer@example.com")
        scenarios = [
            Scenario("bare", "/bare", expect="ok", note="bare Litestar endpoint, same process"),
            Scenario("health", "/health", expect="ok", note="portal app, no I/O"),
            Scenario(
                "tracking",
                track,
                TRACKING_GOAL,
                expect=re.escape(dataset.tracking_order_number),
                note="public, 2 shipments, carrier events",
            ),
            Scenario(
                "catalog", "/catalog?q=pump", SIGNED_IN_GOAL, customer, "(HYD|PMP)-", "customer, search"
            ),
            Scenario("orders", "/orders", SIGNED_IN_GOAL, customer, "SO-", "customer, first page"),
            Scenario("staff_review", "/staff/review", SIGNED_IN_GOAL, reviewer, "SO-", "reviewer queue"),
            Scenario("bare_again", "/bare", expect="ok", note="bare endpoint re-measured: drift check"),
        ]
        for s in scenarios:  # every page answers 200 with its content before it is timed
            r = await client.get(s.path, headers={"Cookie": s.cookie} if s.cookie else {})
            if r.status_code != 200 or not re.search(s.expect, r.text):
                failed = DATA_DIR / f"failed-{s.name}.html"
                failed.write_text(r.text)
                raise RuntimeError(
                    f"{s.name}: GET {s.path} answered {r.status_code} without {s.expect!r}; page in {failed}"
                )
    return scenarios


# --- load generator ----------------------------------------------------------------------------------------


def _request(port: int, scenario: Scenario) -> bytes:
    headers = [
        f"GET {scenario.path} HTTP/1.1",
        f"Host: {HOST}:{port}",
        "User-Agent: portal-bench/1",
        "Accept: text/html,application/json;q=0.9,*/*;q=0.8",
        "Accept-Encoding: identity",
    ]
    if scenario.cookie:
        headers.append(f"Cookie: {scenario.cookie}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode("latin-1")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, int, bool]:
    """(status, body bytes, keep-alive) of one HTTP/1.1 response; the body is read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, chunked, keep = 0, False, True
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value.lower()
        elif name == b"connection":
            keep = b"close" not in value.lower()
    if not chunked:
        if length:
            await reader.readexactly(length)
        return status, length, keep
    size_total = 0
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
        await reader.readexactly(size + 2)
        size_total += size
        if size == 0:
            return status, size_total, keep


@dataclass
class _Phase:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    body_bytes: int = 0


async def _phase(port: int, request: bytes, concurrency: int, seconds: float) -> tuple[_Phase, float]:
    result = _Phase()
    deadline = time.perf_counter() + seconds

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            while time.perf_counter() < deadline:
                sent = time.perf_counter()
                writer.write(request)
                status, size, keep = await _read_response(reader)
                result.latencies.append(time.perf_counter() - sent)
                result.statuses[status] += 1
                result.body_bytes += size
                if not keep:
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
        finally:
            writer.close()

    started = time.perf_counter()
    async with asyncio.timeout(seconds + 30):  # a hung server cannot hang the benchmark
        await asyncio.gather(*(connection() for _ in range(concurrency)))
    return result, time.perf_counter() - started


async def _httpx_phase(
    port: int, scenario: Scenario, concurrency: int, seconds: float
) -> tuple[_Phase, float]:
    import httpx

    result = _Phase()
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Cookie": scenario.cookie} if scenario.cookie else {}

    async def worker(client: httpx.AsyncClient) -> None:
        while time.perf_counter() < deadline:
            sent = time.perf_counter()
            r = await client.get(scenario.path, headers=headers)
            result.latencies.append(time.perf_counter() - sent)
            result.statuses[r.status_code] += 1
            result.body_bytes += len(r.content)

    base = f"http://{HOST}:{port}"
    async with httpx.AsyncClient(base_url=base, limits=limits, trust_env=False, timeout=30) as client:
        started = time.perf_counter()
        async with asyncio.timeout(seconds + 30):
            await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return result, time.perf_counter() - started


def _cpu_seconds(pid: int) -> float:
    import psutil

    total = 0.0
    try:
        proc = psutil.Process(pid)
        for p in (proc, *proc.children(recursive=True)):
            with contextlib.suppress(psutil.NoSuchProcess):
                t = p.cpu_times()
                total += t.user + t.system
    except psutil.NoSuchProcess:
        pass
    return total


async def _measure(port: int, server_pid: int, scenario: Scenario, args: argparse.Namespace) -> Measured:
    request = _request(port, scenario)

    async def phase(seconds: float) -> tuple[_Phase, float]:
        if args.client == "httpx":
            return await _httpx_phase(port, scenario, args.concurrency, seconds)
        return await _phase(port, request, args.concurrency, seconds)

    if args.warmup > 0:
        await phase(args.warmup)
    cpu, server_cpu = time.process_time(), _cpu_seconds(server_pid)
    result, elapsed = await phase(args.duration)
    cpu, server_cpu = time.process_time() - cpu, _cpu_seconds(server_pid) - server_cpu
    done = len(result.latencies)
    ordered = sorted(result.latencies)
    ok = result.statuses.get(200, 0)
    return Measured(
        name=scenario.name,
        path=scenario.path if not scenario.path.startswith("/track/") else "/track/{token}",
        requests=done,
        seconds=round(elapsed, 3),
        rps=round(ok / elapsed, 1),  # only 200s count: an error page is no throughput
        p50_ms=round(statistics.median(ordered) * 1000, 2) if ordered else 0.0,
        p99_ms=round(ordered[min(done - 1, int(done * 0.99))] * 1000, 2) if ordered else 0.0,
        non_200={str(k): v for k, v in result.statuses.items() if k != 200},
        bytes_per_response=result.body_bytes // done if done else 0,
        client_cpu=round(cpu / elapsed, 2),
        server_cpu=round(server_cpu / elapsed, 2),
        server_cpu_ms=round(server_cpu * 1000 / ok, 3) if ok else 0.0,
        goal=scenario.goal,
        note=scenario.note,
    )


def _judge(report: Report) -> None:
    bare = [m for m in report.scenarios if m.name in ("bare", "bare_again") and m.rps]
    report.bare_rps = round(statistics.mean(m.rps for m in bare), 1) if bare else 0.0
    bare_cpu_ms = statistics.mean(m.server_cpu_ms for m in bare) if bare else 0.0
    for m in report.scenarios:
        m.ratio = round(m.rps / report.bare_rps, 3) if report.bare_rps else None
        m.cpu_ratio = round(bare_cpu_ms / m.server_cpu_ms, 3) if m.server_cpu_ms else None
        if m.non_200:
            m.verdict = "ERRORS"
        elif m.goal is not None and m.ratio is not None:
            m.verdict = "PASS" if m.ratio >= m.goal else "BELOW"


def _table(report: Report) -> str:
    head = (
        f"{'scenario':<13} {'path':<16} {'req/s':>7} {'ratio':>6} {'goal':>5} {'verdict':<7} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'KiB':>5} {'cpu ms/req':>10} {'cpu ratio':>9}"
    )
    rows = [head, "-" * len(head)]
    for m in report.scenarios:
        goal = f"{m.goal:.2f}" if m.goal is not None else "-"
        ratio = f"{m.ratio:.3f}" if m.ratio is not None else "-"
        cpu_ratio = f"{m.cpu_ratio:.3f}" if m.cpu_ratio is not None else "-"
        rows.append(
            f"{m.name:<13} {m.path[:16]:<16} {m.rps:>7.0f} {ratio:>6} {goal:>5} {m.verdict or '-':<7} "
            f"{m.p50_ms:>7.1f} {m.p99_ms:>7.1f} {m.bytes_per_response / 1024:>5.1f} "
            f"{m.server_cpu_ms:>10.2f} {cpu_ratio:>9}"
        )
    rows.append(
        f"ratio = req/s against the mean of the two bare runs ({report.bare_rps:.0f} req/s), the goal's measure;"
    )
    rows.append(
        "cpu ms/req = server (granian) CPU per response; cpu ratio = bare's cpu ms/req over the page's."
    )
    bare = [m.rps for m in report.scenarios if m.name.startswith("bare")]
    if len(bare) == 2 and min(bare) and max(bare) / min(bare) > 1.2:
        rows.append(
            f"WARNING: the two bare runs differ by {max(bare) / min(bare):.1f}x: something else used the CPU."
        )
    cpus = report.machine.get("cpus") or 1
    if (busy := report.machine.get("busy_cores_before_run", 0.0)) > 0.25 * cpus:
        rows.append(
            f"WARNING: other work used {busy:.1f} of {cpus} CPUs before the run: "
            "req/s are low and ratios noisy; cpu ms/req is the steadier figure."
        )
    if report.statements:
        rows.append("")
        rows.append("SQL statements per request (short list vs. full page; equal means no per-row queries):")
        for path, counts in report.statements.items():
            small, large = counts["short"], counts["full"]
            flag = "GROWS with the list" if large["statements"] > small["statements"] else "flat"
            rows.append(
                f"  {path:<14} {small['rows']:>3} rows: {small['statements']:>2} statements   "
                f"{large['rows']:>3} rows: {large['statements']:>2} statements   {flag}"
            )
    return "\n".join(rows)


# --- statements per request ---------------------------------------------------------------------------------


async def _statement_counts(db_url: str, redis_url: str, secret: str, dataset: Any) -> dict[str, Any]:
    """The list pages at two list lengths, through the real app in this process; second request counted."""
    from litestar.testing import AsyncTestClient
    from sqlalchemy import event

    from portal.app import create_app
    from portal.settings import Settings

    # dev: plain (non-Secure) cookies, which the test client sends over http; the queries are the same
    settings = Settings(
        env="dev", database_url=db_url, redis_url=redis_url, secret_key=secret, log_level="WARNING"
    )
    app = create_app(settings)
    _quiet()
    counted = [0]

    def on_execute(*_: object) -> None:
        counted[0] += 1

    async def count(client: Any, cookies: dict[str, str], path: str) -> dict[str, int]:
        client.cookies = cookies
        await client.get(path)  # warm: first connections and caches
        counted[0] = 0
        r = await client.get(path)
        if r.status_code != 200:
            raise RuntimeError(f"GET {path} answered {r.status_code}")
        return {"rows": len(set(ORDER_NUMBER.findall(r.text))), "statements": counted[0]}

    async def sign_in(client: Any, path: str, email: str) -> dict[str, str]:
        client.cookies.clear()
        await client.get(path)
        form = {"email": email, "password": DEMO_PASSWORD, "_csrf_token": client.cookies["portal_csrf"]}
        r = await client.post(path, data=form, follow_redirects=False)
        if r.status_code not in (302, 303):
            raise RuntimeError(f"signing in {email} answered {r.status_code}")
        return dict(client.cookies)

    async with AsyncTestClient(app=app, base_url="http://bench.local") as client:
        engine = app.state[app.state.db_engine_key].sync_engine
        big = await sign_in(client, "/login", "buyer@example.com")
        small = await sign_in(client, "/login", "buyer2@example.com")
        staff = await sign_in(client, "/staff/login", "reviewer@example.com")
        event.listen(engine, "before_cursor_execute", on_execute)
        try:
            return {
                "/orders": {
                    "short": await count(client, small, "/orders"),
                    "full": await count(client, big, "/orders"),
                },
                "/staff/review": {
                    "short": await count(client, staff, f"/staff/review?customer={dataset.small_account_id}"),
                    "full": await count(client, staff, "/staff/review"),
                },
            }
        finally:
            event.remove(engine, "before_cursor_execute", on_execute)


if __name__ == "__main__":
    sys.exit(main())
