"""`portal run` / `make run`: the whole portal on one machine for development.

Starts embedded PostgreSQL and Redis when DATABASE_URL / REDIS_URL are unset, migrates,
seeds the demo data once, then runs the web app and an arq worker as child processes.
Ctrl-C or SIGTERM stops the children and the embedded servers; nothing is left running.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from portal.settings import Settings, load_settings

DEMO_LOGINS = """\
  Customers (password for every demo account: demo-password)
    buyer@example.com      Demo Manufacturing Co. (key account)
    buyer2@example.com     a second customer account
  Staff (sign in at {url}/staff/login)
    sales@ reviewer@ approver@ production@ logistics@ finance@ aftersales@ admin@example.com
  Dev mailbox: {url}/dev/mailbox
"""


def _stop(children: list[subprocess.Popen], timeout: float = 4.0) -> None:
    """SIGTERM the children (a terminal's Ctrl-C does not reach them), then kill any still there after ``timeout`` s."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def run_dev(*, port: int) -> int:
    from portal.db import migrate
    from portal.db.demo import seed_demo
    from portal.embedded import EmbeddedServices

    os.environ.setdefault("PORTAL_ENV", "dev")  # `portal run` is the development command
    settings = load_settings()
    embedded = EmbeddedServices(data_dir=settings.data_dir)
    stopping = False

    def on_signal(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    children: list[subprocess.Popen] = []
    try:
        env = dict(os.environ)  # PORTAL_ENV=dev (set above) reaches the web app and the worker
        if not settings.database_url:
            print(f"portal: starting the embedded PostgreSQL under {settings.data_dir}", flush=True)
            env["DATABASE_URL"] = embedded.start_postgres()
        if not settings.redis_url:
            print(f"portal: starting the embedded Redis under {settings.data_dir}", flush=True)
            env["REDIS_URL"] = embedded.start_redis()
        env.setdefault("BASE_URL", f"http://127.0.0.1:{port}")
        print("portal: applying migrations", flush=True)
        migrate.upgrade(env["DATABASE_URL"])
        print("portal: checking the demo data (the first run creates it: about ten seconds)", flush=True)
        created = asyncio.run(seed_demo(env["DATABASE_URL"]))
        print("portal: demo data " + ("created" if created else "already present"), flush=True)
        links = tracking_links(env["DATABASE_URL"], settings, env["BASE_URL"])
        if stopping:
            return 0
        # children ignore SIGINT from the terminal's Ctrl-C; this process stops them in order
        children.append(_spawn([sys.executable, "-m", "portal.cli", "serve", "--port", str(port)], env))
        children.append(_spawn([sys.executable, "-m", "portal.cli", "worker"], env))
        url = f"http://127.0.0.1:{port}"
        print(
            f"\nportal: serving on {url}  (Ctrl-C stops everything)\n" + DEMO_LOGINS.format(url=url) + links,
            flush=True,
        )
        while not stopping:
            if any(c.poll() is not None for c in children):
                print("portal: a child process exited; stopping", file=sys.stderr, flush=True)
                return 1
            time.sleep(0.3)
        return 0
    finally:
        began = time.monotonic()
        print("portal: stopping", flush=True)
        _stop(children)
        embedded.stop()
        print(f"portal: stopped in {time.monotonic() - began:.1f} s", flush=True)


def tracking_links(database_url: str, settings: Settings, base_url: str) -> str:
    """Lines with the public tracking link of each demo order on its way: what the buyer's e-mail carries."""
    from portal.auth.tracking_links import TrackingLinks
    from portal.db.demo import tracked_demo_orders

    links = TrackingLinks(settings.secret_key, ttl_days=settings.tracking_link_days)
    rows = asyncio.run(tracked_demo_orders(database_url))
    lines = [
        f"    {number} ({state}): {base_url}{links.path(order_id, version)}"
        for number, state, order_id, version in rows
    ]
    return (
        "  Tracking links of the demo orders (no sign-in needed)\n" + "\n".join(lines) + "\n" if lines else ""
    )


def _spawn(argv: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(argv, env=env, preexec_fn=_ignore_sigint, cwd=Path.cwd())


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
