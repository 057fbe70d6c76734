"""The yardsticks: a bare Litestar endpoint and the reference pages, served by the portal's worker.

``combined()`` is the granian factory ``bench.run`` serves: ``GET /bare`` goes to a minimal
Litestar app (no middleware, no plugins, no templates), ``/ref/…`` to the reference pages of
``bench.refs``, every other request to the portal exactly as ``portal serve`` builds it. One
process, one worker, one event loop: a page's requests/second divided by ``/bare``'s or a
reference's is what the performance goals in bench/README.md mean.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar import Litestar, get

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

    from portal.settings import Settings

BARE_PATH = "/bare"


@get(BARE_PATH, media_type="text/plain", sync_to_thread=False)
def bare_endpoint() -> str:
    return "ok"


def bare_app() -> Litestar:
    return Litestar(route_handlers=[bare_endpoint], openapi_config=None, debug=False)


def combined() -> ASGIApp:
    """Factory for ``granian --factory bench.bare:combined``; the portal reads its settings from the env."""
    from portal.settings import load_settings

    return build(load_settings())[0]


def build(settings: Settings) -> tuple[ASGIApp, Litestar]:
    """(the combined ASGI app, the portal's Litestar app inside it)."""
    from bench import refs
    from portal.app import create_app

    routes: dict[str, ASGIApp] = {BARE_PATH: bare_app(), **refs.routes(settings)}
    portal = create_app(settings)

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            # the portal's lifespan (engine, Redis) carries the references' pools along
            async def lifespan_receive() -> Message:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await refs.startup(settings)
                elif message["type"] == "lifespan.shutdown":
                    await refs.shutdown()
                return message

            await portal(scope, lifespan_receive, send)
        elif scope["type"] == "http" and (app := routes.get(scope["path"])) is not None:
            await app(scope, receive, send)
        else:
            await portal(scope, receive, send)

    return dispatch, portal
