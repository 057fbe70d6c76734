"""Routes for everyone: liveness, readiness, the favicon and the language switch."""

from __future__ import annotations

import asyncio
from pathlib import Path

from litestar import Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from portal import i18n
from portal.auth import service
from portal.web.context import LANG_COOKIE
from portal.web.forms import form_text
from portal.web.templating import redirect


@get("/health", media_type="application/json", sync_to_thread=False, opt={"lean": True})
def health() -> dict[str, str]:
    return {"status": "ok"}


FAVICON = Path(__file__).resolve().parents[3] / "static" / "img" / "favicon.ico"


@get(
    "/favicon.ico",
    media_type="image/x-icon",
    sync_to_thread=False,
    opt={"lean": True},
    include_in_schema=False,
)
def favicon() -> Response[bytes]:
    """Browsers and feed readers ask for /favicon.ico whatever the page links: answer, not 404."""
    return Response(
        FAVICON.read_bytes(), media_type="image/x-icon", headers={"cache-control": "public, max-age=86400"}
    )


@get("/ready", media_type="application/json")
async def ready(request: Request) -> Response[dict[str, str]]:
    """200 when PostgreSQL and Redis both answer within two seconds, else 503."""
    checks: dict[str, str] = {}
    engine = request.app.state[request.app.state.db_engine_key]
    try:
        async with asyncio.timeout(2):
            async with engine.connect() as conn:
                await conn.execute(text("select 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        async with asyncio.timeout(2):
            await request.app.state.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["redis"] = f"error: {type(exc).__name__}"
    ok = all(v == "ok" for v in checks.values())
    return Response({"status": "ok" if ok else "unavailable", **checks}, status_code=200 if ok else 503)


@post("/lang")
async def switch_language(request: Request, db: NamedDependency[AsyncSession]) -> Response:
    """Remember the chosen language in a cookie, and on the signed-in user; go back where we came from."""
    form = await request.form()
    locale = i18n.normalize(form_text(form, "locale", limit=20)) or request.app.state.settings.default_locale
    back = form_text(form, "next", limit=2000) or "/"
    if not back.startswith("/") or back.startswith("//") or "\\" in back:  # only local paths
        back = "/"
    sessions = request.app.state.sessions
    for user in (request.state.get("customer"), request.state.get("staff")):
        if user is not None:
            await service.set_user_locale(db, sessions, user, locale)
    response = redirect(request, back)
    response.cookies.append(
        Cookie(
            key=LANG_COOKIE, value=locale, path="/", max_age=365 * 24 * 3600, samesite="lax", httponly=True
        )
    )
    return response
