"""Due and overdue reminders: one e-mail per invoice and kind, however often or however many workers
run the cron, and whatever dies halfway; in the reader's language, with a link to the invoice."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from portal import clock
from portal.db.billing import InvoiceReminder
from portal.db.engine import make_sessionmaker
from portal.db.outbox import OutboxMessage
from portal.domain.billing import reminders
from portal.domain.notifications.mailer import SmtpMailer
from portal.domain.notifications.render import EmailRenderer
from portal.i18n import gettext, using_locale
from portal.jinja import make_environment
from portal.workers.settings import send_invoice_reminders
from tests.helpers import make_customer, place_orders
from tests.settlement_helpers import invoice_row, pay
from tests.smtp_sink import body_text

BASE = "https://portal.example"


async def _invoices(db):  # noqa: ANN001, ANN202
    """A Chinese and an English buyer's invoices: three to remind, one paid, one due in ten days."""
    today = clock.today()
    zh, en = await make_customer(db, locale="zh_CN"), await make_customer(db, locale="en")
    [zh_order] = await place_orders(db, zh, 1, status="completed")
    [en_order] = await place_orders(db, en, 1, status="completed")

    async def due_in(order, days: int, total: str):  # noqa: ANN001, ANN202
        due = today + timedelta(days=days)
        return await invoice_row(db, order, total, issued_on=due - timedelta(days=30), due_on=due)

    wanted = {
        "due_in_3": await due_in(zh_order, 3, "100.00"),
        "overdue_1": await due_in(en_order, -1, "200.00"),
        "overdue_7": await due_in(zh_order, -7, "300.00"),
    }
    paid = await due_in(en_order, -1, "400.00")
    await pay(db, en.account_id, "400.00", received_on=today, to=((paid, "400.00"),))
    await due_in(en_order, 10, "500.00")
    await db.commit()
    return {"zh": zh, "en": en}, wanted


def _worker(engine, smtp_url: str, settings) -> dict:  # noqa: ANN001
    """What the arq worker hands its cron jobs: sessions, the SMTP mailer, the e-mail renderer."""
    return {
        "settings": settings,
        "sessionmaker": make_sessionmaker(engine),
        "mailer": SmtpMailer(smtp_url, sender="Portal <billing@portal.test>"),
        "renderer": EmailRenderer(make_environment(), base_url=BASE),
    }


async def _count(db, model) -> int:  # noqa: ANN001
    return await db.scalar(select(func.count()).select_from(model))


async def test_the_cron_run_twice_sends_one_email_each(db, engine, settings, smtp_sink):
    sink, url = smtp_sink
    buyers, wanted = await _invoices(db)
    ctx = _worker(engine, url, settings)
    assert await send_invoice_reminders(ctx) == 3
    assert await send_invoice_reminders(ctx) == 0
    mails = {m["To"]: [] for m in sink.wait_for(3)}
    for m in sink.messages:
        mails[m["To"]].append(m)
    assert len(sink.messages) == 3 and await _count(db, OutboxMessage) == 3

    rows = (await db.scalars(select(InvoiceReminder).order_by(InvoiceReminder.id))).all()
    assert sorted((r.invoice_id, r.kind) for r in rows) == sorted((i.id, k) for k, i in wanted.items())
    assert all(r.outbox_id for r in rows)

    # each in its reader's language, with the amount due and a link to the invoice
    by_subject = {m["Subject"]: m for m in sink.messages}
    soon, late1, late7 = wanted["due_in_3"], wanted["overdue_1"], wanted["overdue_7"]
    with using_locale("en"):
        en_subject = gettext("Invoice %(invoice)s is overdue", invoice=late1.number)
    with using_locale("zh_CN"):
        zh_subject = gettext("Second reminder: invoice %(invoice)s is overdue", invoice=late7.number)
    assert by_subject[en_subject]["To"] == buyers["en"].email
    assert by_subject[zh_subject]["To"] == buyers["zh"].email and "逾期" in zh_subject
    assert f"{BASE}/invoices/{late1.number}" in body_text(by_subject[en_subject])
    zh_soon = next(m for m in mails[buyers["zh"].email] if soon.number in m["Subject"])
    assert "到期" in zh_soon["Subject"] and f"{BASE}/invoices/{soon.number}" in body_text(zh_soon)


async def test_concurrent_runs_and_a_worker_that_dies_send_one_each(db, engine):
    _, wanted = await _invoices(db)
    sessions = make_sessionmaker(engine)
    today = clock.today()
    async with sessions() as dying:  # writes its reminders and e-mails, then dies before committing
        await dying.begin()
        assert await reminders.send_reminders(dying, today) == 3
        await dying.rollback()
    assert await _count(db, InvoiceReminder) == 0 and await _count(db, OutboxMessage) == 0

    async def run() -> int:
        async with sessions() as session, session.begin():
            return await reminders.send_reminders(session, today)

    assert sorted(await asyncio.gather(run(), run())) == [0, 3]
    assert await _count(db, InvoiceReminder) == 3 and await _count(db, OutboxMessage) == 3
    assert await run() == 0
