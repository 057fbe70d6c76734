"""The outbox delivered over real SMTP (aiosmtpd): language, retries, permanent failures."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from portal import clock
from portal.db.engine import make_sessionmaker
from portal.db.outbox import OutboxMessage
from portal.domain.notifications import delivery
from portal.domain.notifications.mailer import SmtpMailer
from portal.domain.notifications.outbox import queue_email
from portal.domain.notifications.render import EmailRenderer
from portal.domain.orders import service
from portal.jinja import make_environment
from tests.helpers import customer_actor, make_customer, make_order
from tests.smtp_sink import body_text


def _deliverer(engine, smtp_url: str):
    mailer = SmtpMailer(smtp_url, sender="Portal <orders@portal.test>")
    renderer = EmailRenderer(make_environment(), base_url="https://portal.example")
    return lambda: delivery.drain(make_sessionmaker(engine), mailer, renderer)


async def _submit(db, user):
    order = await make_order(db, customer=user)
    actor = customer_actor(user)
    await service.submit(db, actor, order)
    await db.commit()
    return order


async def test_notifications_arrive_in_the_recipients_language(db, engine, smtp_sink):
    sink, url = smtp_sink
    zh = await make_customer(db, locale="zh_CN")
    en = await make_customer(db, locale="en")
    zh_order = await _submit(db, zh)
    en_order = await _submit(db, en)
    result = await _deliverer(engine, url)()
    assert result.sent == 2
    by_rcpt = {m["To"]: m for m in sink.wait_for(2)}
    assert by_rcpt[zh.email]["Subject"] == f"订单 {zh_order.number} 已接收"
    assert "感谢您的订购" in body_text(by_rcpt[zh.email])
    assert by_rcpt[en.email]["Subject"] == f"Order {en_order.number} received"
    assert f"https://portal.example/orders/{en_order.number}" in body_text(by_rcpt[en.email])
    assert by_rcpt[en.email].get_body(preferencelist=("html",)) is not None
    rows = (await db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert [r.status for r in rows] == ["sent", "sent"] and all(r.attempts == 1 for r in rows)
    assert sorted(sink.message_ids()) == sorted(r.message_id for r in rows)
    # a second drain finds nothing to do: nothing is sent twice
    assert (await _deliverer(engine, url)()).sent == 0 and len(sink.messages) == 2


async def test_temporary_failures_back_off_and_permanent_ones_stop(db, engine, smtp_sink):
    sink, url = smtp_sink
    sink.refuse = lambda rcpt: (
        "451 try again later"
        if rcpt.startswith("busy")
        else ("550 no such mailbox" if rcpt.startswith("gone") else None)
    )
    context = {
        "number": "SO-2026-000009",
        "account_name": "A",
        "status": "submitted",
        "total": "1.00",
        "currency": "CNY",
        "payment_terms": "net",
        "payment_days": 30,
        "order_path": "/orders/x",
    }
    for rcpt in ("busy@example.test", "gone@example.test", "fine@example.test"):
        queue_email(db, template="order_received", recipient=rcpt, locale="en", context=context)
    await db.commit()
    result = await _deliverer(engine, url)()
    assert (result.sent, result.retried, result.failed) == (1, 1, 1)
    rows = {r.recipient: r for r in (await db.scalars(select(OutboxMessage))).all()}
    busy, gone = rows["busy@example.test"], rows["gone@example.test"]
    assert busy.status == "pending" and busy.attempts == 1 and "451" in busy.last_error
    assert busy.next_attempt_at > clock.now() + timedelta(seconds=20)
    assert gone.status == "failed" and "550" in gone.last_error
    # not due yet: the next drain leaves it alone
    assert (await _deliverer(engine, url)()).retried == 0
    # after the last allowed attempt it shows as failed for good
    await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == busy.id)
        .execution_options(synchronize_session=False)
        .values(attempts=delivery.MAX_ATTEMPTS - 1, next_attempt_at=clock.now() - timedelta(seconds=1))
    )
    await db.commit()
    busy_id = busy.id
    # many attempts alone do not give up: an SMTP outage of a few hours loses nothing
    assert (await _deliverer(engine, url)()).failed == 0
    await db.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == busy_id)
        .execution_options(synchronize_session=False)
        .values(
            next_attempt_at=clock.now() - timedelta(seconds=1), created_at=clock.now() - timedelta(days=4)
        )
    )
    await db.commit()
    assert (await _deliverer(engine, url)()).failed == 1
    final = await db.get(OutboxMessage, busy_id, populate_existing=True)
    assert final.status == "failed" and final.attempts == delivery.MAX_ATTEMPTS + 1


def test_backoff_grows_and_is_capped():
    waits = [delivery.backoff(n).total_seconds() for n in range(1, 10)]
    assert waits[:4] == [30, 60, 120, 240] and max(waits) == 3600
