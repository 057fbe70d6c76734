"""Where a page's time goes: pyinstrument over N in-process requests of one page.

    make bench ARGS="--profile orders"          # a scenario name (see bench/scenarios.py) …
    make bench ARGS="--profile /catalog?q=valve --profile-requests 500 --profile-html var/bench/p.html"

Run by ``bench.run --profile``: the same dataset, environment (PORTAL_ENV=prod) and combined
app as the server, but in this process and called straight through ASGI (``bench.inprocess``),
after 20 warm-up requests. Prints wall ms per request and pyinstrument's call tree; the text is
also written to var/bench/profile-<name>.txt.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.inprocess import in_process
from bench.machine import say
from bench.scenarios import build
from bench.server import DATA_DIR

WARMUP = 20


async def profile(
    env: dict[str, str], secret: str, dataset: Any, target: str, requests: int, html: Path | None
) -> str:
    """The report (also printed and saved); ``target`` is a scenario name or a path."""
    from pyinstrument import Profiler

    async with in_process(env) as harness:
        scenarios = await build(harness.client, secret, dataset, DATA_DIR)
        named = {s.name: s for s in scenarios}
        by_path = {s.path: s for s in scenarios}
        found = named.get(target) or by_path.get(target)
        # a path of its own: signed in as the reviewer under /staff, as the buyer elsewhere
        cookie = (
            found.cookie
            if found
            else named["staff_review" if target.startswith("/staff") else "orders"].cookie
        )
        path = found.path if found else target
        for _ in range(WARMUP):
            await harness.call(path, cookie)
        statuses: Counter = Counter()
        profiler = Profiler(interval=0.0002, async_mode="enabled")
        started = time.perf_counter()
        profiler.start()
        for _ in range(requests):
            status, _size = await harness.call(path, cookie)
            statuses[status] += 1
        profiler.stop()
        wall = time.perf_counter() - started
    cpu = profiler.last_session.cpu_time if profiler.last_session else 0.0
    head = (
        f"profile of GET {path}: {requests} requests in process, {wall * 1000 / requests:.2f} ms wall and "
        f"{cpu * 1000 / requests:.2f} ms CPU each (profiler on), statuses {dict(statuses)}"
    )
    body = profiler.output_text(unicode=True, color=False, show_all=False)
    report = f"{head}\n{body}"
    name = found.name if found else re.sub(r"[^a-z0-9]+", "_", target.lower()).strip("_") or "page"
    out = DATA_DIR / f"profile-{name}.txt"
    out.write_text(report)
    if html is not None:
        html.write_text(profiler.output_html())
        say(f"HTML profile written to {html}")
    print(report)
    say(f"profile written to {out}")
    return report
