"""create_app(settings) -> Litestar: wiring only."""

from __future__ import annotations

import logging
import warnings
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from pathlib import Path

warnings.filterwarnings("ignore", message=".*declarative_mixin.*")

from arq.connections import ArqRedis  # noqa: E402
from litestar import Litestar  # noqa: E402
from litestar.config.csrf import CSRFConfig  # noqa: E402
from litestar.datastructures import State  # noqa: E402
from litestar.di import Provide  # noqa: E402
from litestar.middleware import DefineMiddleware  # noqa: E402
from litestar.plugins.htmx import HTMXPlugin  # noqa: E402
from litestar.static_files import create_static_files_router  # noqa: E402
from redis.asyncio import Redis  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession  # noqa: E402

from portal import customer, staff  # noqa: E402
from portal.auth.sessions import SessionStore  # noqa: E402
from portal.auth.survey_links import SurveyLinks  # noqa: E402
from portal.auth.throttle import LoginThrottle  # noqa: E402
from portal.auth.tracking_links import TrackingLinks  # noqa: E402
from portal.public import invitations, surveys, tracking_page, webhooks  # noqa: E402
from portal.settings import Settings, load_settings  # noqa: E402
from portal.web import devmail, system  # noqa: E402
from portal.web.context import LEAN, RequestContextMiddleware  # noqa: E402
from portal.web.csrf import PortalCSRFMiddleware  # noqa: E402
from portal.web.errors import EXCEPTION_HANDLERS  # noqa: E402
from portal.web.forms import PortalRequest  # noqa: E402
from portal.web.security import security_headers  # noqa: E402
from portal.web.templating import make_environment, template_config  # noqa: E402
from portal.web.transaction import ENGINE_KEY, provide_db, web_database  # noqa: E402

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
CSRF_COOKIE = "portal_csrf"
# over HTTPS the browser then refuses the cookie unless it is Secure, for "/", and set by this very host:
# a sibling subdomain cannot plant a token of its own (cookie tossing)
HOST_ONLY_PREFIX = "__Host-"


def csrf_cookie_name(settings: Settings) -> str:
    return (HOST_ONLY_PREFIX if settings.secure_cookies else "") + CSRF_COOKIE


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or load_settings()
    settings.check()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per outgoing request is noise

    database = web_database(
        settings.database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow
    )

    @asynccontextmanager
    async def services_lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        redis = Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=2)
        app.state.redis = redis
        # connects lazily: the app starts (and serves pages) while Redis is briefly down
        app.state.arq = ArqRedis(connection_pool=redis.connection_pool)
        app.state.sessions = SessionStore(redis, settings.session_ttl_seconds)
        app.state.tracking_links = TrackingLinks(settings.secret_key, ttl_days=settings.tracking_link_days)
        app.state.survey_links = SurveyLinks(settings.secret_key, ttl_days=settings.survey_link_days)
        app.state.login_throttle = LoginThrottle(
            redis, max_failures=settings.login_max_failures, window_seconds=settings.login_window_seconds
        )
        try:
            yield
        finally:
            await redis.aclose()
            await database[ENGINE_KEY].dispose()

    return Litestar(
        route_handlers=[
            system.health,
            system.favicon,
            system.ready,
            system.switch_language,
            webhooks.carrier_webhook,
            tracking_page.TrackingController,
            surveys.SurveyController,
            *([devmail.dev_mailbox] if settings.dev_mode else []),
            *customer.ROUTES,
            *staff.ROUTES,
            invitations.InvitationController,
            create_static_files_router(
                path="/static",
                directories=[STATIC_DIR],
                name="static",
                include_in_schema=False,
                opt={LEAN: True},  # assets need no session, locale or CSRF token
            ),
        ],
        # the request's session and transaction, for the handlers that ask for ``db`` (web/transaction.py)
        dependencies={"db": Provide(provide_db)},
        signature_namespace={"AsyncSession": AsyncSession},
        plugins=[HTMXPlugin()],
        lifespan=[services_lifespan],
        # Litestar's own CSRF middleware answers 500 to a token that is not ASCII text: ours refuses it
        middleware=[
            RequestContextMiddleware(),
            DefineMiddleware(PortalCSRFMiddleware, config=_csrf(settings)),
        ],
        request_class=PortalRequest,
        before_send=[security_headers(hsts=not settings.dev_mode)],
        template_config=template_config(make_environment(auto_reload=settings.dev_mode)),
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=settings.max_request_body,
        # db_engine_key: where tests, /ready and the locale note find the engine
        state=State({"settings": settings, **database, "db_engine_key": ENGINE_KEY}),
        openapi_config=None,
        debug=False,
    )


def _csrf(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=settings.secret_key,
        cookie_name=csrf_cookie_name(settings),
        cookie_secure=settings.secure_cookies,
        cookie_path="/",
        cookie_domain=None,
        cookie_httponly=False,
        cookie_samesite="lax",
        header_name="x-csrftoken",
        # machines sign their requests; the tracking page itself sets no cookie (its lookup form is checked)
        exclude=["^/webhooks/", "^/track/.+"],
    )


def asgi() -> Litestar:
    """Factory used by ``portal serve`` (granian --factory)."""
    return create_app()
