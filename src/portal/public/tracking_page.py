"""The public tracking page, opened from e-mailed links without signing in, and the lookup form.

``GET /track/{token}`` is the hottest page of the portal (every shipping e-mail links to it).
Per request it costs: the token read (verified once, then remembered with its expiry by
``TrackingLinks``), one fingerprint statement sent by asyncpg on a pooled connection (no ORM
session), then a render reused by fingerprint — from this process's LRU, else from Redis
(shared by the workers), else rendered from one REPEATABLE READ snapshot and stored in both.

Every answer first reads the order's current fingerprint, so a revoked link (its version is no
longer the order's) is a 404 whatever is cached, and a page changes as soon as the order moves.

Caching by browsers: the page keeps ``Cache-Control: no-store`` (plus ``no-referrer`` and
``noindex``). The link is a bearer credential for the order's progress; ``no-store`` keeps the page
out of the disk cache of a shared computer and out of back/forward history after the link is
revoked. The price: browsers never revalidate it. The strong ``ETag`` (fingerprint, locale, order
and templates) still answers ``If-None-Match`` with a 304 for clients that keep a copy themselves.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from litestar import Controller, MediaType, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from portal import i18n, jinja
from portal.domain.fulfilment.public_view import (
    Fingerprint,
    current_fingerprint,
    find_for_lookup,
    tracking_snapshot,
)
from portal.i18n import gettext as _
from portal.lru import BoundedLRU
from portal.web.forms import form_text
from portal.web.signin import client_ip
from portal.web.templating import page, redirect

if TYPE_CHECKING:
    from litestar import Litestar

    from portal.auth.tracking_links import TrackingClaim

PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}
LOOKUPS_PER_WINDOW = 10
WINDOW_SECONDS = 15 * 60
CACHE_SECONDS = 600  # a render's life in Redis
RENDERS_PER_PROCESS = 512  # pages of ~8 KB: a few MB per worker
RENDERS_STATE_KEY = "tracking_renders"


@dataclass(frozen=True, slots=True)
class _Render:
    etag: str  # quoted, as sent: '"<32 hex digits>"'
    body: bytes  # the page, UTF-8


@cache
def _templates_digest() -> str:
    """What the bytes of a render depend on besides the data: the templates and the catalogs.

    Read once per process; a deploy that changes a template or a translation changes every
    ETag and every Redis key, so no worker serves or confirms a render of the old text. (A code
    change that alters the page's text without touching them does not: such renders live on in
    Redis for at most ``CACHE_SECONDS``, as before the ETag existed.)
    """
    digest = hashlib.sha256()
    for root in (jinja.TEMPLATES_DIR, i18n.LOCALES_DIR):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".html", ".po")):
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _etag(order_id: int, locale: str, fp: Fingerprint) -> str:
    """The strong ETag of the page of ``order_id`` in ``locale`` at fingerprint ``fp`` (quoted)."""
    raw = f"{_templates_digest()}|{order_id}|{locale}|{fp!r}".encode()
    return '"' + hashlib.sha256(raw).hexdigest()[:32] + '"'


def _not_modified(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110 If-None-Match: ``*`` or any listed tag equal to ours (weak comparison)."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == etag:
            return True
    return False


def _renders(app: Litestar) -> BoundedLRU[tuple[int, str, str], _Render]:
    """This app's renders by (order id, locale, etag); one per app, so tests never share one."""
    renders = app.state.get(RENDERS_STATE_KEY)
    if renders is None:
        renders = app.state[RENDERS_STATE_KEY] = BoundedLRU(RENDERS_PER_PROCESS)
    return renders


def _redis_key(order_id: int, locale: str, etag: str) -> str:
    return f"track-page:{order_id}:{locale}:" + etag.strip('"')


async def _cached(request: Request, key: str) -> bytes | None:
    try:
        return await request.app.state.redis.get(key)
    except Exception:  # noqa: BLE001 - without Redis the page is simply rendered
        return None


async def _store(request: Request, key: str, html: bytes) -> None:
    with contextlib.suppress(Exception):  # a page that cannot be cached is still served
        await request.app.state.redis.set(key, html, ex=CACHE_SECONDS)


def _invalid(request: Request) -> Template:
    # tampered, expired or revoked: one friendly answer, nothing about why
    return page(request, "public/track_invalid.html", status_code=404, headers=PRIVATE)


async def _shared_render(
    request: Request, engine: AsyncEngine, claim: TrackingClaim, locale: str, etag: str
) -> _Render | None:
    """The render another worker stored in Redis, else a fresh one (stored there); None when the
    link was revoked in the meantime. A fresh render carries the ETag of the snapshot it shows."""
    key = _redis_key(claim.order_id, locale, etag)
    if (body := await _cached(request, key)) is not None:
        return _Render(etag, body)
    snapshot = await tracking_snapshot(engine, order_id=claim.order_id, link_version=claim.version)
    if snapshot is None:
        return None
    fp, view = snapshot
    etag = _etag(claim.order_id, locale, fp)
    context = {
        "request": request,
        "view": view,
        "locale": locale,
        "customer": None,
        "staff": None,
        "audience": "public",
        "flashes": [],
    }
    html = request.app.template_engine.get_template("public/track.html").render(**context).encode()
    await _store(request, _redis_key(claim.order_id, locale, etag), html)
    return _Render(etag, html)


class TrackingController(Controller):
    path = "/track"

    @get("/{token:str}")
    async def track(self, request: Request, token: FromPath[str]) -> Template | Response:
        """The hottest read of the portal: a render is reused until the order's fingerprint moves.

        No ORM session, no Redis round trip when this process has the render: one statement.
        """
        app = request.app
        claim = app.state.tracking_links.read(token)
        engine: AsyncEngine = app.state[app.state.db_engine_key]
        fp = await current_fingerprint(engine, claim.order_id) if claim else None
        if claim is None or fp is None or fp[0] != claim.version:
            return _invalid(request)
        locale: str = request.state.locale
        etag = _etag(claim.order_id, locale, fp)
        if _not_modified(request.headers.get("if-none-match"), etag):
            return Response(
                b"", status_code=304, media_type=MediaType.HTML, headers={**PRIVATE, "ETag": etag}
            )
        renders = _renders(app)
        render = renders.get((claim.order_id, locale, etag))
        if render is None:
            render = await _shared_render(request, engine, claim, locale, etag)
            if render is None:
                return _invalid(request)
            renders.put((claim.order_id, locale, render.etag), render)
        return Response(render.body, media_type=MediaType.HTML, headers={**PRIVATE, "ETag": render.etag})

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
