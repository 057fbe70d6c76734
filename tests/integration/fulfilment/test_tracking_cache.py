"""The tracking page's caches: ETag/304, renders kept per process, and none of it outliving a link."""

from __future__ import annotations

import asyncio
import time

import pytest
import time_machine
from sqlalchemy import text
from sqlalchemy.util import greenlet_spawn

from portal.auth.tracking_links import TrackingLinks
from portal.db.engine import make_engine
from portal.domain.fulfilment.public_view import current_fingerprint, fingerprint
from portal.domain.orders import service
from portal.public.tracking_page import RENDERS_STATE_KEY
from tests.fulfilment_helpers import confirmed
from tests.helpers import StatementCounter, as_staff, make_staff, post_form, staff_actor

PRIVATE_HEADERS = {
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "x-robots-tag": "noindex, nofollow",
}


def links(settings) -> TrackingLinks:  # noqa: ANN001
    return TrackingLinks(settings.secret_key, ttl_days=settings.tracking_link_days)


def renders(client) -> list[tuple[int, str, str]]:  # noqa: ANN001
    """Keys (order id, locale, etag) of the renders this app keeps in process."""
    cache = client.app.state.get(RENDERS_STATE_KEY)
    return list(cache._items) if cache is not None else []


async def _page_keys(redis) -> list[bytes]:  # noqa: ANN001
    return sorted(await redis.keys("track-page:*"))


async def test_a_matching_if_none_match_answers_304_with_the_private_headers(client, db, settings):
    _, order = await confirmed(db)
    path = links(settings).path(order.id, order.tracking_link_version)
    first = await client.get(path)
    etag = first.headers["etag"]
    assert first.status_code == 200 and etag.startswith('"') and len(etag) == 34
    for header in (etag, f"W/{etag}", f'"nope", {etag}', "*"):
        r = await client.get(path, headers={"if-none-match": header})
        assert r.status_code == 304, header
        assert r.content == b"" and r.headers["etag"] == etag
        assert {k: r.headers[k] for k in PRIVATE_HEADERS} == PRIVATE_HEADERS
        assert "set-cookie" not in r.headers
    other = await client.get(path, headers={"if-none-match": '"0123456789abcdef0123456789abcdef"'})
    assert other.status_code == 200 and other.text == first.text and other.headers["etag"] == etag


async def test_the_etag_changes_when_the_order_moves(client, db, settings):
    _, order = await confirmed(db)
    path = links(settings).path(order.id, order.tracking_link_version)
    before = await client.get(path)
    production = await make_staff(db, "production")
    await service.start_production(db, staff_actor(production), order)
    await db.commit()
    after = await client.get(path, headers={"if-none-match": before.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != before.headers["etag"]
    assert "in production" in after.text and "in production" not in before.text
    again = await client.get(path, headers={"if-none-match": after.headers["etag"]})
    assert again.status_code == 304


async def test_a_revoked_link_is_404_although_its_render_is_kept_in_process(client, db, settings):
    _, order = await confirmed(db)
    good = links(settings).path(order.id, order.tracking_link_version)
    first = await client.get(good)
    assert first.status_code == 200
    assert [(key[0], key[2]) for key in renders(client)] == [(order.id, first.headers["etag"])]
    _, csrf = await as_staff(client, db, "sales")
    r = await post_form(client, f"/staff/orders/{order.number}/tracking-links/revoke", csrf)
    assert r.status_code == 303
    assert len(renders(client)) == 1  # the old render is still there: the fingerprint read refuses it
    for headers in ({}, {"if-none-match": first.headers["etag"]}):
        r = await client.get(good, headers=headers)
        assert r.status_code == 404 and "not valid" in r.text and order.number not in r.text
        assert "etag" not in r.headers


async def test_each_language_has_its_own_render_served_without_redis(client, db, settings, redis):
    _, order = await confirmed(db)
    path = links(settings).path(order.id, order.tracking_link_version)
    en = await client.get(path, headers={"accept-language": "en"})
    zh = await client.get(path, headers={"accept-language": "zh-CN"})
    assert en.status_code == zh.status_code == 200
    assert 'lang="en"' in en.text and 'lang="zh-CN"' in zh.text and en.text != zh.text
    assert en.headers["etag"] != zh.headers["etag"]
    assert sorted(key[1] for key in renders(client)) == ["en", "zh_CN"]
    assert len(await _page_keys(redis)) == 2  # shared with the other workers
    await redis.flushdb()
    for lang, page in (("en", en), ("zh-CN", zh)):
        again = await client.get(path, headers={"accept-language": lang})
        assert again.content == page.content and again.headers["etag"] == page.headers["etag"]
    assert await _page_keys(redis) == []  # served from this process: not read from, nor written to, Redis
    # ?lang= picks the language as well, and finds the same render
    assert (await client.get(path + "?lang=en", headers={"accept-language": "zh-CN"})).content == en.content


async def test_a_worker_without_the_render_takes_it_from_redis(client, db, settings, redis):
    _, order = await confirmed(db)
    path = links(settings).path(order.id, order.tracking_link_version)
    first = await client.get(path)
    (key,) = await _page_keys(redis)
    await redis.set(key, b"<p>rendered by another worker</p>")  # what another worker stored
    client.app.state[RENDERS_STATE_KEY] = None  # this worker has not seen the page yet
    r = await client.get(path)
    assert r.text == "<p>rendered by another worker</p>" and r.headers["etag"] == first.headers["etag"]


async def test_a_remembered_token_still_expires(client, db, settings):
    _, order = await confirmed(db)
    ttl = settings.tracking_link_days * 86400
    issued = time.time() - ttl + 60  # a genuine link with a minute to live
    path = f"/track/{links(settings).token(order.id, order.tracking_link_version, now=issued)}"
    assert (await client.get(path)).status_code == 200
    with time_machine.travel(time.time() + 120, tick=True):
        r = await client.get(path)
    assert r.status_code == 404 and "not valid" in r.text


async def test_the_fingerprint_read_without_a_session_equals_the_orm_one_and_survives_a_dead_connection(
    db, settings
):
    _, order = await confirmed(db)
    engine = make_engine(settings.database_url, pool_size=1)
    engine.pool._max_overflow = 0  # one connection: a slot not given back would hang the next read
    try:
        assert await current_fingerprint(engine, order.id) == await fingerprint(db, order.id)
        assert await current_fingerprint(engine, 10**9) is None
        pooled = await engine.raw_connection()
        pid = pooled.driver_connection.get_server_pid()
        await greenlet_spawn(pooled.close)
        await db.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(Exception):  # noqa: B017 - whatever asyncpg raises for a closed connection
            await asyncio.wait_for(current_fingerprint(engine, order.id), 5)
        # the dead connection was discarded, not pooled: the next read opens a new one
        assert await asyncio.wait_for(current_fingerprint(engine, order.id), 5) == await fingerprint(
            db, order.id
        )
    finally:
        await engine.dispose()


async def test_a_cached_tracking_page_costs_one_counted_statement(client, db, settings):
    """The fingerprint goes straight to asyncpg, and the statement counters still see it."""
    _, order = await confirmed(db)
    path = links(settings).path(order.id, order.tracking_link_version)
    assert (await client.get(path)).status_code == 200  # renders and keeps the page
    with StatementCounter(client.app) as counter:
        r = await client.get(path)
    assert r.status_code == 200 and counter.count == 1
    with StatementCounter(client.app) as counter:
        r = await client.get(path, headers={"if-none-match": r.headers["etag"]})
    assert r.status_code == 304 and counter.count == 1
