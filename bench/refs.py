"""Reference pages: what a page of the same shape costs when written plainly, in the portal's worker.

Served by ``bench.bare.combined`` beside the portal, from the same database, so each portal
page can be read as a ratio to them in the same run:

- ``/ref/asyncpg``: one asyncpg query of the account's 12 newest orders, rendered by Jinja;
- ``/ref/orm``: the same 12 rows as ORM objects through an SQLAlchemy ``AsyncSession``;
- ``/ref/naive``: the "naive signed-in page": the Redis session lookup of the portal's session
  cookie (401 without one), the ORM query for that session's account, Litestar's CSRF
  middleware (the portal's cookie name and secret; the token goes into a form) and the portal's
  security headers (``portal.web.security``, no-store as for any signed-in page).

The pools match the portal's (``DB_POOL_SIZE`` + ``DB_MAX_OVERFLOW``). Nothing here is cached
between requests: each reference is meant to stay the plain way of writing its page.
``BENCH_ACCOUNT_ID`` (default 1) names the account of the two public references.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import asyncpg
from jinja2 import DictLoader, Environment, select_autoescape
from litestar import Litestar, Request, get
from litestar.config.csrf import CSRFConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Response, Template
from litestar.template.config import TemplateConfig
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from portal.auth.sessions import COOKIE_NAMES, SessionStore
from portal.db.engine import async_url
from portal.db.orders import Order
from portal.settings import Settings
from portal.web.security import security_headers

if TYPE_CHECKING:
    from litestar.types import ASGIApp

PREFIX = "/ref/"
ROWS = 12
ORDERS_SQL = (
    "SELECT number, status, submitted_at, total FROM orders WHERE account_id = $1 AND number IS NOT NULL "
    f"ORDER BY submitted_at DESC, id DESC LIMIT {ROWS}"
)
_ROWS_HTML = """<table><thead><tr><th>Order</th><th>Status</th><th>Submitted</th><th>Total</th></tr></thead>
<tbody>{% for o in orders %}<tr><td><a href="/orders/{{ o.number }}">{{ o.number }}</a></td><td>{{ o.status }}</td>
<td>{{ o.submitted_at.strftime('%Y-%m-%d %H:%M') }}</td><td>¥{{ '{:,.2f}'.format(o.total) }}</td></tr>{% endfor %}
</tbody></table>"""
TEMPLATES = {
    "ref.html": """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/css/app.css"></head><body><main><h1>{{ title }}</h1>
{% include "rows.html" %}</main></body></html>""",
    "naive.html": """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>My orders</title>
<link rel="stylesheet" href="/static/css/app.css"></head><body><header>{{ user.name }} · {{ user.account_name }}
<form method="post" action="/logout">{{ csrf_input | safe }}<button>Sign out</button></form></header>
<main><h1>My orders</h1>{% include "rows.html" %}</main></body></html>""",
    "rows.html": _ROWS_HTML,
}


@dataclass
class _Resources:
    pool: asyncpg.Pool
    engine: AsyncEngine
    sessions: async_sessionmaker
    redis: Redis
    store: SessionStore
    account_id: int


_res: _Resources | None = None
_jinja = Environment(loader=DictLoader(TEMPLATES), autoescape=select_autoescape(default=True))


def _orders_stmt(account_id: int) -> Any:
    return (
        select(Order)
        .where(Order.account_id == account_id, Order.number.is_not(None))
        .order_by(Order.submitted_at.desc(), Order.id.desc())
        .limit(ROWS)
    )


async def startup(settings: Settings) -> None:
    """Open the references' own pools (called once, when the worker starts)."""
    global _res  # noqa: PLW0603 - one set of pools per worker process
    size, overflow = settings.db_pool_size, settings.db_max_overflow
    dsn = settings.database_url.replace("postgresql+asyncpg://", "postgresql://")
    pool = await asyncpg.create_pool(dsn, min_size=size, max_size=size + overflow)
    engine = create_async_engine(async_url(settings.database_url), pool_size=size, max_overflow=overflow)
    redis = Redis.from_url(settings.redis_url)
    _res = _Resources(
        pool=pool,
        engine=engine,
        sessions=async_sessionmaker(engine, expire_on_commit=False),
        redis=redis,
        store=SessionStore(redis, settings.session_ttl_seconds),
        account_id=int(os.environ.get("BENCH_ACCOUNT_ID", "1")),
    )


async def shutdown() -> None:
    global _res  # noqa: PLW0603
    if _res is not None:
        await _res.pool.close()
        await _res.engine.dispose()
        await _res.redis.aclose()
        _res = None


def _resources() -> _Resources:
    if _res is None:
        raise RuntimeError("bench.refs.startup() has not run (the worker's lifespan starts the references)")
    return _res


@get("/ref/asyncpg", media_type="text/html", include_in_schema=False)
async def ref_asyncpg() -> str:
    res = _resources()
    async with res.pool.acquire() as conn:
        orders = await conn.fetch(ORDERS_SQL, res.account_id)
    return _jinja.get_template("ref.html").render(title="Orders (asyncpg)", orders=orders)


@get("/ref/orm", media_type="text/html", include_in_schema=False)
async def ref_orm() -> str:
    res = _resources()
    async with res.sessions() as db:
        orders = (await db.scalars(_orders_stmt(res.account_id))).all()
    return _jinja.get_template("ref.html").render(title="Orders (ORM)", orders=orders)


@get("/ref/naive", include_in_schema=False)
async def ref_naive(request: Request) -> Template | Response:
    res = _resources()
    user = await res.store.load(request.cookies.get(COOKIE_NAMES["customer"]), "customer")
    if user is None or user.account_id is None:
        return Response("sign in first", status_code=401, media_type="text/plain")
    request.scope["state"]["customer"] = user  # signed in: the security headers add no-store
    async with res.sessions() as db:
        orders = (await db.scalars(_orders_stmt(user.account_id))).all()
    return Template("naive.html", context={"orders": orders, "user": user})


def plain_app() -> Litestar:
    """``/ref/asyncpg`` and ``/ref/orm``: no middleware, no hooks."""
    return Litestar(route_handlers=[ref_asyncpg, ref_orm], openapi_config=None, debug=False)


def naive_app(settings: Settings) -> Litestar:
    """``/ref/naive``: CSRF middleware, templates through Litestar and the portal's header hook."""
    from portal.app import csrf_cookie_name

    csrf = CSRFConfig(
        secret=settings.secret_key,
        cookie_name=csrf_cookie_name(settings),
        cookie_secure=settings.secure_cookies,
        cookie_samesite="lax",
    )
    return Litestar(
        route_handlers=[ref_naive],
        csrf_config=csrf,
        before_send=[security_headers(hsts=not settings.dev_mode)],
        template_config=TemplateConfig(instance=JinjaTemplateEngine.from_environment(_jinja)),
        openapi_config=None,
        debug=False,
    )


def routes(settings: Settings) -> dict[str, ASGIApp]:
    """Path → the app that serves it."""
    plain = plain_app()
    return {"/ref/asyncpg": plain, "/ref/orm": plain, "/ref/naive": naive_app(settings)}
