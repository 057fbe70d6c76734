"""The public tracking page, opened from e-mailed links without signing in, and the lookup form."""

from __future__ import annotations

import contextlib
import hashlib

from litestar import Controller, MediaType, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.domain.fulfilment.public_view import find_for_lookup, fingerprint, tracking_view
from portal.i18n import gettext as _
from portal.web.forms import form_text
from portal.web.signin import client_ip
from portal.web.templating import page, redirect

PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
LOOKUPS_PER_WINDOW = 10
WINDOW_SECONDS = 15 * 60
CACHE_SECONDS = 600


async def _cached(request: Request, key: str) -> str | None:
    try:
        raw = await request.app.state.redis.get(key)
    except Exception:  # noqa: BLE001 - without Redis the page is simply rendered
        return None
    return raw.decode() if raw else None


async def _store(request: Request, key: str, html: str) -> None:
    with contextlib.suppress(Exception):  # a page that cannot be cached is still served
        await request.app.state.redis.set(key, html, ex=CACHE_SECONDS)


class TrackingController(Controller):
    path = "/track"

    @get("/{token:str}")
    async def track(
        self, request: Request, db: NamedDependency[AsyncSession], token: FromPath[str]
    ) -> Template | Response:
        """The hottest read of the portal: a render is reused until the order's fingerprint moves."""
        claim = request.app.state.tracking_links.read(token)
        fp = await fingerprint(db, claim.order_id) if claim else None
        if fp is None or fp[0] != claim.version:
            # tampered, expired or revoked: one friendly answer, nothing about why
            return page(request, "public/track_invalid.html", status_code=404, headers=PRIVATE)
        digest = hashlib.sha256(repr(fp).encode()).hexdigest()[:32]
        key = f"track-page:{claim.order_id}:{request.state.locale}:{digest}"
        html = await _cached(request, key)
        if html is None:
            view = await tracking_view(db, order_id=claim.order_id, link_version=claim.version)
            if view is None:
                return page(request, "public/track_invalid.html", status_code=404, headers=PRIVATE)
            context = {
                "request": request,
                "view": view,
                "locale": request.state.locale,
                "customer": None,
                "staff": None,
                "audience": "public",
                "flashes": [],
            }
            html = request.app.template_engine.get_template("public/track.html").render(**context)
            await _store(request, key, html)
        return Response(html, media_type=MediaType.HTML, headers=PRIVATE)

    @get("/")
    async def lookup_form(self, request: Request) -> Template:
        return page(request, "public/track_lookup.html", values={}, error=None, headers=PRIVATE)

    @post("/")
    async def lookup(self, request: Request, db: NamedDependency[AsyncSession]) -> Response | Template:
        form = await request.form()
        values = {
            "order_number": form_text(form, "order_number", limit=30),
            "email": form_text(form, "email", limit=254),
        }
        redis = request.app.state.redis
        key = f"track-lookup:{client_ip(request)}"
        count = await redis.incr(key)
        if count == 1:
            await redis.expire(key, WINDOW_SECONDS)
        if count > LOOKUPS_PER_WINDOW:
            return page(
                request,
                "public/track_lookup.html",
                status_code=429,
                values=values,
                headers=PRIVATE,
                error=_("Too many attempts. Please wait a few minutes and try again."),
            )
        found = await find_for_lookup(db, number=values["order_number"], email=values["email"])
        if found is None:
            return page(
                request,
                "public/track_lookup.html",
                status_code=404,
                values=values,
                headers=PRIVATE,
                error=_("We could not find an order with this number for this e-mail address."),
            )
        return redirect(request, request.app.state.tracking_links.path(*found))
