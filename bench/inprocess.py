"""The server's app in this process: for counting SQL statements and for profiling one page.

``in_process(env)`` builds ``bench.bare``'s combined app from the same environment the granian
worker gets (PORTAL_ENV=prod), runs its lifespan on the current event loop, and yields a
``Harness``: an httpx client over ``ASGITransport`` (for signing in) and ``call()``, one GET
straight into the ASGI app — no sockets, no HTTP parsing — so a profile shows the app's own work.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from bench.server import HOST


def get_scope(path: str, headers: list[tuple[bytes, bytes]], host: str = HOST) -> dict[str, Any]:
    """The ASGI scope of a plain HTTP/1.1 GET of ``path`` (its query after ``?``) from ``host``:50000
    to ``host``:8000, as a server would hand it to the app."""
    path, _, query = path.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": headers,
        "client": (host, 50000),
        "server": (host, 8000),
        "state": {},
    }


@dataclass
class Harness:
    app: Any  # the combined ASGI app
    portal: Any  # the portal's Litestar app inside it
    client: Any  # httpx.AsyncClient over the app

    async def call(self, path: str, cookie: str = "") -> tuple[int, int]:
        """GET ``path`` (with its query) into the app; returns (status, body bytes)."""
        headers = [(b"host", HOST.encode()), (b"user-agent", b"portal-bench/1")]
        if cookie:
            headers.append((b"cookie", cookie.encode("latin-1")))
        scope = get_scope(path, headers)
        result = [0, 0]

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                result[0] = message["status"]
            elif message["type"] == "http.response.body":
                result[1] += len(message.get("body", b""))

        await self.app(scope, receive, send)
        return result[0], result[1]


@asynccontextmanager
async def _lifespan(app: Any) -> AsyncIterator[None]:
    inbox: asyncio.Queue = asyncio.Queue()
    outbox: asyncio.Queue = asyncio.Queue()
    task = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, inbox.get, outbox.put)
    )
    await inbox.put({"type": "lifespan.startup"})
    answer = await outbox.get()
    if answer["type"] != "lifespan.startup.complete":
        raise RuntimeError(f"the app did not start: {answer}")
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await outbox.get()
        await task


@asynccontextmanager
async def in_process(env: dict[str, str]) -> AsyncIterator[Harness]:
    import httpx

    from bench.bare import build
    from portal.settings import load_settings

    os.environ.update(env)
    app, portal = build(load_settings())
    async with _lifespan(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{HOST}", timeout=30) as client:
            yield Harness(app, portal, client)
