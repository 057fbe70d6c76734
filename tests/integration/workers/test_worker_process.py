"""The real worker process: nothing lost when Redis was down at commit, nothing sent twice after a crash."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
from collections import Counter

import pytest
from arq.connections import ArqRedis
from litestar.datastructures import State
from sqlalchemy import select

from portal.db.engine import make_sessionmaker
from portal.db.outbox import OutboxMessage
from portal.domain.notifications.outbox import DRAIN_JOB, queue_email
from portal.domain.orders import service
from portal.embedded import free_port
from portal.web.transaction import SESSIONMAKER_KEY, provide_db
from tests.helpers import csrf_token, customer_actor, make_customer, make_order, sign_in
from tests.workers import start_worker, stop

CONTEXT = {
    "number": "SO-2026-000001",
    "account_name": "Acme",
    "status": "submitted",
    "total": "10.00",
    "currency": "CNY",
    "payment_terms": "net",
    "payment_days": 30,
    "order_path": "/orders/SO-2026-000001",
}


async def _queued_jobs(redis) -> int:
    return await redis.zcard("arq:queue")


async def test_a_drain_is_enqueued_only_after_a_commit(client, db, redis):
    buyer = await make_customer(db)
    order = await make_order(db, customer=buyer)
    await service.submit(db, customer_actor(buyer), order)
    await db.commit()
    await sign_in(client, buyer.email)
    form = {"_csrf_token": await csrf_token(client), "version": str(order.version)}
    # a refused request (no reason) writes nothing and enqueues nothing
    r = await client.post(f"/orders/{order.number}/cancel", data={**form, "reason": ""})
    assert r.status_code == 422 and await _queued_jobs(redis) == 0
    r = await client.post(f"/orders/{order.number}/cancel", data={**form, "reason": "ordered twice"})
    assert r.status_code == 200  # followed the redirect back to the order
    assert await _queued_jobs(redis) == 1
    job_keys = await redis.keys("arq:job:*")
    assert len(job_keys) == 1 and DRAIN_JOB.encode() in await redis.get(job_keys[0])


async def test_mail_committed_while_redis_is_down_arrives_later(db, engine, settings, smtp_sink, tmp_path):
    sink, smtp_url = smtp_sink
    buyer = await make_customer(db, locale="en")
    order = await make_order(db, customer=buyer)
    actor = customer_actor(buyer)
    # the request's transaction commits, and the enqueue after it hits a Redis that does not answer
    down = State(
        {
            "arq": ArqRedis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=0.5),
            SESSIONMAKER_KEY: make_sessionmaker(engine),
        }
    )
    # the request's session comes from the app state, as in a request
    tx = provide_db(down)
    s = await anext(tx)
    mine = await s.get(type(order), order.id)
    await service.submit(s, actor, mine)
    with pytest.raises(StopAsyncIteration):
        await anext(tx)  # commit + failed enqueue, logged but not raised
    await down.arq.aclose()
    assert (await db.scalar(select(OutboxMessage.status))) == "pending"
    # Redis is back (the worker uses the real one): the sweeper delivers it
    worker = start_worker(settings, smtp_url=smtp_url, log=tmp_path / "worker.log")
    try:
        messages = await asyncio.to_thread(sink.wait_for, 1, 30)
    finally:
        stop(worker)
    assert messages[0]["To"] == buyer.email and "received" in messages[0]["Subject"]


async def test_a_worker_killed_mid_batch_sends_every_message_exactly_once(db, settings, smtp_sink, tmp_path):
    sink, smtp_url = smtp_sink
    expected = []
    for n in range(30):
        row = queue_email(
            db, template="order_received", recipient=f"r{n}@example.test", locale="en", context=CONTEXT
        )
        expected.append(row)
    await db.commit()
    expected_ids = {row.message_id for row in expected}

    worker = start_worker(settings, smtp_url=smtp_url, log=tmp_path / "worker.log")
    rcpts, killed = [], threading.Event()

    def kill_on_the_eleventh(rcpt: str) -> None:
        # in RCPT of message 11: message 10 was accepted and committed, 11 is on the wire
        rcpts.append(rcpt)
        if len(rcpts) == 11 and not killed.is_set():
            os.kill(worker.pid, signal.SIGKILL)
            killed.set()

    sink.on_rcpt = kill_on_the_eleventh
    try:
        assert await asyncio.to_thread(killed.wait, 30), "the worker never reached the 11th message"
        await asyncio.to_thread(worker.wait, 10)
        assert len(sink.messages) == 10
        worker = start_worker(settings, smtp_url=smtp_url, log=tmp_path / "worker.log")
        await asyncio.to_thread(sink.wait_for, 30, 40)
        await asyncio.sleep(1)  # anything sent twice would arrive now
    finally:
        stop(worker)
    counts = Counter(sink.message_ids())
    assert set(counts) == expected_ids and set(counts.values()) == {1}
    statuses = (
        await db.scalars(select(OutboxMessage.status).execution_options(populate_existing=True))
    ).all()
    assert set(statuses) == {"sent"}
