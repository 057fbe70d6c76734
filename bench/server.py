"""Services and the server under test: PostgreSQL, Redis, one granian worker pinned to one core.

``services()``: BENCH_DATABASE_URL / BENCH_REDIS_URL when set, else embedded ones under
var/bench (database ``portal_bench``). ``serve()`` starts ``granian --interface asgi --workers 1``
on ``bench.bare:combined`` (``/bare``, the references and the portal in one process) under
``taskset -c <core>``, waits until it answers, and registers its stop on the ExitStack.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench.machine import say

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "var" / "bench"
HOST = "127.0.0.1"
SERVER_START_TIMEOUT = 60.0
SERVER_STOP_TIMEOUT = 10.0


def services(stack: ExitStack) -> tuple[str, str]:
    db_url = os.environ.get("BENCH_DATABASE_URL", "")
    redis_url = os.environ.get("BENCH_REDIS_URL", "")
    if db_url and redis_url:
        say("using BENCH_DATABASE_URL and BENCH_REDIS_URL")
        return db_url, redis_url
    from portal.embedded import EmbeddedServices

    embedded = EmbeddedServices(data_dir=DATA_DIR, database="portal_bench")
    stack.callback(embedded.stop)  # registered first: stopped even if starting is interrupted
    if not db_url:
        say("starting embedded PostgreSQL under var/bench")
        db_url = embedded.start_postgres()
    if not redis_url:
        say("starting embedded Redis")
        redis_url = embedded.start_redis()
    return db_url, redis_url


async def reset_schema(url: str) -> None:
    """Drop and recreate the public schema: the bench database is a throwaway."""
    from sqlalchemy import text

    from portal.db.engine import make_engine

    engine = make_engine(url, pool=False)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def backend_pids(url: str) -> set[int]:
    """PostgreSQL backends connected to the bench database: their CPU is the benchmark's own."""
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        rows = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
    finally:
        await conn.close()
    return {r["pid"] for r in rows}


def _tree_cpu(pid: int) -> float:
    import psutil

    total = 0.0
    try:
        proc = psutil.Process(pid)
        for p in (proc, *proc.children(recursive=True)):
            t = p.cpu_times()
            total += t.user + t.system
    except psutil.Error:
        pass
    return total


async def _busy_queries(url: str) -> int:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        return await conn.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND state = 'active' AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()


def wait_idle(pid: int, db_url: str, timeout: float = 60.0) -> float:
    """Wait until the server has finished what the last load left queued: its processes use under
    10% of a core over 0.2 s and no query of the bench database runs. Returns the seconds waited.

    Without this, the requests still queued when wrk stops (32 slow pages) would run during the
    next endpoint's measurement and be counted against it.
    """
    import asyncio

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        before = _tree_cpu(pid)
        time.sleep(0.2)
        if _tree_cpu(pid) - before < 0.02 and asyncio.run(_busy_queries(db_url)) == 0:
            break
    return time.monotonic() - started


def environment(db_url: str, redis_url: str, secret: str, port: int, account_id: int) -> dict[str, str]:
    """The server's environment: as deployed (PORTAL_ENV=prod: Secure cookies, HSTS, no dev mailbox)."""
    return {
        "PORTAL_ENV": "prod",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": secret,
        "BASE_URL": f"http://{HOST}:{port}",
        "PORTAL_DATA_DIR": str(DATA_DIR / "data"),
        "LOG_LEVEL": "WARNING",
        "BENCH_ACCOUNT_ID": str(account_id),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
        "PYTHONUNBUFFERED": "1",
    }


def serve(stack: ExitStack, env: dict[str, str], port: int, core: int | None) -> Any:
    """The running granian process (``subprocess.Popen``)."""
    import subprocess

    from portal.embedded import answers, stop_server

    argv = [
        sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "bench.bare:combined",
        "--host", HOST, "--port", str(port), "--workers", "1", "--no-ws", "--log-level", "warning",
    ]  # fmt: skip
    if core is not None:
        argv = ["taskset", "-c", str(core), *argv]
    log_path = DATA_DIR / "server.log"
    with log_path.open("wb") as log:
        # its own session: Ctrl-C reaches this process only, which then stops the server in order
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    stack.callback(stop_server, proc, SERVER_STOP_TIMEOUT)
    pinned = f"pinned to core {core}" if core is not None else "NOT pinned"
    say(f"granian (1 worker, {pinned}) serving the portal, /bare and /ref/* on {HOST}:{port}; log {log_path}")
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while not (answers(f"http://{HOST}:{port}/health") and answers(f"http://{HOST}:{port}/bare")):
        if proc.poll() is not None:
            raise RuntimeError(f"granian exited with code {proc.returncode}; see {log_path}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"granian did not answer within {SERVER_START_TIMEOUT:.0f} s; see {log_path}")
        time.sleep(0.1)
    return proc
