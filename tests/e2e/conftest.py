"""Browser tests: the real app served by granian, driven by Playwright in Debian's Chromium.

Fixtures
  live_server  (session)  base URL of a granian process serving ``portal.app:asgi`` on a free port,
                          on the same PostgreSQL/Redis as the other tests (``settings``)
  browser      (session)  Chromium from /usr/bin/chromium (Playwright's own browsers are not used)
  demo         (test)     empty tables and Redis, then the demo data (``portal.db.demo``)
  new_page     (test)     ``await new_page(locale=...)``: a page in a fresh browser context (other
                          keywords go to ``new_context``: ``java_script_enabled=False``...)
  page         (test)     the first such page, locale zh-CN
  csp_violations (test)   console messages about Content Security Policy from every page of the test

Without /usr/bin/chromium the tests fail (CI installs it); PORTAL_SKIP_BROWSER=1 skips them instead.
On failure, a screenshot of each open page goes to tests/e2e/artifacts/ and the tail of the
server log is added to the report.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, async_playwright, expect

from portal.db.demo import seed_demo
from portal.embedded import answers, free_port, stop_server
from portal.settings import Settings
from tests.smtp_sink import Sink
from tests.workers import start_worker, stop

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SERVER_START_TIMEOUT = 90.0  # importing the app takes seconds of CPU; a busy machine stretches that
SERVER_STOP_TIMEOUT = 5.0
DEFAULT_TIMEOUT_MS = 10_000
# expect() polls until this: a sign-in (argon2id) on a machine busy with other work can take seconds
EXPECT_TIMEOUT_MS = 20_000
expect.set_options(timeout=EXPECT_TIMEOUT_MS)
SERVER_LOG_KEY = pytest.StashKey[Path]()
REPORT_KEY = pytest.StashKey[dict[str, pytest.TestReport]]()


# --- browser availability -------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _require_chromium() -> None:
    """Checked before anything is started: no point in a server without a browser."""
    if os.environ.get("PORTAL_SKIP_BROWSER") == "1":
        pytest.skip("browser tests skipped: PORTAL_SKIP_BROWSER=1")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"{CHROMIUM} not found: the browser tests need Debian's Chromium "
            "(`apt-get install chromium`), or set PORTAL_SKIP_BROWSER=1 to skip them.",
            pytrace=False,
        )


# --- the live server ------------------------------------------------------------------------------


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


@pytest.fixture(scope="session")
def live_server(
    settings: Settings, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[str]:
    """granian serving the app on a free loopback port; yields its base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("live-server") / "server.log"
    request.config.stash[SERVER_LOG_KEY] = log_path
    env = {
        **os.environ,
        "PORTAL_ENV": "test",
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        # the same key as the test settings: links a test worker signs open on this server
        "SECRET_KEY": settings.secret_key,
        "BASE_URL": base_url,
        "PORTAL_DATA_DIR": str(tmp_path_factory.mktemp("live-data")),
        "PYTHONUNBUFFERED": "1",
    }
    argv = [
        sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "portal.app:asgi",
        "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--no-ws",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not answers(f"{base_url}/health"):
            if proc.poll() is not None:
                pytest.fail(
                    f"the live server exited with code {proc.returncode}; log {log_path}:\n{_tail(log_path)}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"the live server did not answer GET /health within {SERVER_START_TIMEOUT:.0f} s; "
                    f"log {log_path}:\n{_tail(log_path)}",
                    pytrace=False,
                )
            time.sleep(0.1)
        yield base_url
    finally:
        stop_server(proc, SERVER_STOP_TIMEOUT)


# --- data -----------------------------------------------------------------------------------------


@pytest.fixture
async def demo(clean: None, settings: Settings) -> None:
    """Every browser test starts from the demo people and products and nothing else (no sessions either).

    Without the demo orders: they would fill the queues and mailboxes the tests count. A test that
    wants them adds them (``portal.db.demo.seed_demo_orders``).
    """
    created = await seed_demo(settings.database_url, orders=False)
    assert created, "demo data should have been created on empty tables"


@pytest.fixture
def mail_worker(
    demo: None, live_server: str, settings: Settings, smtp_sink: tuple[Sink, str], tmp_path: Path
) -> Iterator[tuple[Sink, Path]]:
    """The real arq worker (a subprocess) delivering the outbox to ``smtp_sink``, its links pointing
    at the live server as in production; yields (the sink, the worker's log). Stopped after the test."""
    sink, smtp_url = smtp_sink
    log = tmp_path / "worker.log"
    worker = start_worker(settings.with_overrides(base_url=live_server), smtp_url=smtp_url, log=log)
    yield sink, log
    stop(worker)


# --- browser --------------------------------------------------------------------------------------


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@pytest.fixture
def csp_violations() -> list[str]:
    """Console messages of every page of the test that mention the Content Security Policy."""
    return []


@pytest.fixture
async def new_page(
    browser: Browser, live_server: str, demo: None, csp_violations: list[str], request: pytest.FixtureRequest
) -> AsyncIterator[Callable[..., Awaitable[Page]]]:
    """Factory of pages, each in its own browser context (own cookies), with ``base_url`` = the live server."""
    contexts: list[BrowserContext] = []

    def watch_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            csp_violations.append(f"{message.location.get('url', '?')}: {message.text}")

    async def make(*, locale: str = "zh-CN", **options: Any) -> Page:
        context = await browser.new_context(base_url=live_server, locale=locale, **options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        page = await context.new_page()
        page.on("console", watch_console)
        return page

    yield make

    report = request.node.stash.get(REPORT_KEY, {}).get("call")
    if report is not None and report.failed:
        await _screenshots(request.node.name, contexts)
    for context in contexts:
        await context.close()


@pytest.fixture
async def page(new_page: Callable[..., Awaitable[Page]]) -> Page:
    """A page in a fresh context whose browser asks for Chinese (Accept-Language: zh-CN)."""
    return await new_page()


async def _screenshots(test_name: str, contexts: list[BrowserContext]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    ignore = ARTIFACTS / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n!.gitignore\n")
    stem = re.sub(r"[^\w.-]+", "_", test_name)
    pages = [p for c in contexts for p in c.pages]
    for n, p in enumerate(pages):
        suffix = "" if n == 0 else f"-{n + 1}"
        try:
            await p.screenshot(path=str(ARTIFACTS / f"{stem}{suffix}.png"), full_page=True)
        except Exception as exc:  # noqa: BLE001 - a failed screenshot must not hide the real failure
            print(f"screenshot of {p.url} failed: {exc}", file=sys.stderr)


# --- reporting ------------------------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # noqa: ANN201
    report = yield
    item.stash.setdefault(REPORT_KEY, {})[report.when] = report
    if report.failed and "live_server" in getattr(item, "fixturenames", ()):
        log_path = item.config.stash.get(SERVER_LOG_KEY, None)
        if log_path is not None:
            report.sections.append(("live server log (tail)", _tail(log_path)))
    return report
