"""The yardstick: a bare Litestar endpoint, served by the same granian worker as the portal.

``combined()`` is the granian factory ``bench.run`` serves: ``GET /bare`` goes to a minimal
Litestar app (no middleware, no plugins, no templates), every other request to the portal
exactly as ``portal serve`` builds it. One process, one worker, one event loop: the ratio
of a page's requests/second to ``/bare`` is what the performance goals of docs/architecture.md mean.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import Litestar, get

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Receive, Scope, Send

BARE_PATH = "/bare"


@get(BARE_PATH, media_type="text/plain", sync_to_thread=False)
def bare_endpoint() -> str:
    return "ok"


def bare_app() -> Litestar:
    return Litestar(route_handlers=[bare_endpoint], openapi_config=None, debug=False)


def combined() -> ASGIApp:
    """Factory for ``granian --factory bench.bare:combined``; the portal reads its settings from the env."""
    from portal.app import create_app

    bare = bare_app()
    portal = create_app()

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        # lifespan goes to the portal (engine, Redis); the bare app needs none
        if scope["type"] == "http" and scope["path"] == BARE_PATH:
            await bare(scope, receive, send)
        else:
            await portal(scope, receive, send)

    return dispatch
