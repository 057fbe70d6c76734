"""The first-response watchdog alerts once per case; the after-sales queue lists every kind, filters, claims."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

from sqlalchemy import delete, func, select, update

from portal import clock
from portal.db.aftersales import AftersalesCase, AftersalesSlaAlert
from portal.db.engine import make_sessionmaker
from portal.db.fulfilment import LogisticsCase
from portal.db.outbox import OutboxMessage
from portal.domain.aftersales import sla
from portal.domain.notifications.mailer import SmtpMailer
from portal.domain.notifications.render import EmailRenderer
from portal.jinja import make_environment
from portal.workers.settings import aftersales_sla_watchdog
from tests.aftersales_helpers import add_case_photo, delivered, open_exception
from tests.complaint_helpers import open_ticket, refresh
from tests.helpers import StatementCounter, csrf_token, make_customer, make_staff, sign_in, text_of
from tests.smtp_sink import body_text

CASE = re.compile(r">(AS-\d{4}-\d{6})<")


async def _overdue(db, case: AftersalesCase) -> None:  # noqa: ANN001
    await db.execute(
        update(AftersalesCase)
        .where(AftersalesCase.id == case.id)
        .values(first_response_due_at=clock.now() - timedelta(minutes=1))
    )
    await db.commit()


async def _alerts(db) -> int:  # noqa: ANN001
    return await db.scalar(select(func.count()).select_from(AftersalesSlaAlert))


async def test_the_sla_alert_is_sent_once_across_two_cron_runs(client, db, engine):
    staff = [await make_staff(db, "aftersales") for _ in range(2)]
    buyer = await make_customer(db)
    _r, late = await open_ticket(client, db, buyer)
    _r, fresh = await open_ticket(client, db, buyer, subject="Invoice typo", category="billing")
    await _overdue(db, late)
    sessions = make_sessionmaker(engine)

    async def run() -> int:
        async with sessions() as s, s.begin():
            return await sla.alert_overdue(s)

    # two runs at once: the unique constraint lets one of them alert
    assert sorted(await asyncio.gather(run(), run())) == [0, 1]
    assert await run() == 0  # and a later run finds nothing
    assert await _alerts(db) == 1
    mails = list(
        await db.scalars(select(OutboxMessage).where(OutboxMessage.template == "aftersales_sla_breached"))
    )
    assert sorted(m.recipient for m in mails) == sorted(s.email for s in staff)
    assert {m.context["case_number"] for m in mails} == {late.number}
    assert fresh.number not in {m.context["case_number"] for m in mails}


async def test_an_answered_case_is_not_alerted(client, db):
    staff = await make_staff(db, "aftersales")
    buyer = await make_customer(db)
    _r, case = await open_ticket(client, db, buyer)
    await sign_in(client, staff.email, staff=True)
    token = await csrf_token(client, f"/staff/aftersales/{case.number}")
    await client.post(
        f"/staff/aftersales/{case.number}/messages", data={"_csrf_token": token, "message": "On it."}
    )
    await _overdue(db, case)
    assert await sla.alert_overdue(db) == 0


async def test_the_queue_lists_every_kind_with_filters_and_claims(client, db):
    me = await make_staff(db, "aftersales")
    buyer, order, _ = await delivered(db)
    await add_case_photo(db, order)  # a receipt case
    await open_exception(db, order)  # a delivery exception
    _r, ticket = await open_ticket(client, db, buyer, order_number=order.number)
    await _overdue(db, ticket)
    await sign_in(client, me.email, staff=True)
    page = text_of((await client.get("/staff/aftersales")).text)
    assert ticket.number in page and "AS-2026-9" in page and "Delivery exception" in page
    only = text_of((await client.get("/staff/aftersales?kind=complaint")).text)
    assert ticket.number in only and "Delivery exception" not in only.split("Filter", 1)[1]
    late = text_of((await client.get("/staff/aftersales?overdue=1")).text)
    assert ticket.number in late and "AS-2026-9" not in late
    # claim: a stale version is refused, the current one assigns
    token = await csrf_token(client, "/staff/aftersales")
    stale = await client.post(
        f"/staff/aftersales/{ticket.number}/claim",
        data={"_csrf_token": token, "version": str(ticket.version + 5)},
        follow_redirects=False,
    )
    assert stale.status_code == 409
    ok = await client.post(
        f"/staff/aftersales/{ticket.number}/claim",
        data={"_csrf_token": token, "version": str(ticket.version)},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    assert (await refresh(db, ticket)).assignee_staff_id == me.id
    mine = text_of((await client.get("/staff/aftersales?assignee=me")).text)
    assert ticket.number in mine and "AS-2026-9" not in mine
    assert (await client.get("/staff/aftersales/AS-2000-000000/claim")).status_code in (404, 405)
    # a delivery exception is claimed the same way, by its own path, with its own version
    exception = await db.scalar(select(LogisticsCase).where(LogisticsCase.order_id == order.id))
    claim = f"/staff/aftersales/exceptions/{exception.id}/claim"
    assert f'action="{claim}"' in (await client.get("/staff/aftersales?kind=delivery_exception")).text
    stale = await client.post(claim, data={"_csrf_token": token, "version": "9"}, follow_redirects=False)
    assert stale.status_code == 409
    ok = await client.post(claim, data={"_csrf_token": token, "version": "1"}, follow_redirects=False)
    assert ok.status_code == 303
    await db.refresh(exception)
    assert (exception.assignee_staff_id, exception.version) == (me.id, 2)
    mine = text_of((await client.get("/staff/aftersales?assignee=me&kind=delivery_exception")).text)
    assert order.number in mine.split("Filter", 1)[1]
    missing = await client.post(
        "/staff/aftersales/exceptions/999999/claim", data={"_csrf_token": token, "version": "1"}
    )
    assert missing.status_code == 404


async def test_the_queue_pages_by_keyset_with_a_flat_statement_count(client, db):
    me = await make_staff(db, "aftersales")
    buyers = [await make_customer(db) for _ in range(3)]
    for b in buyers:
        await open_ticket(client, db, b)
    await sign_in(client, me.email, staff=True)
    await client.get("/staff/aftersales")
    with StatementCounter(client.app) as few:
        r = await client.get("/staff/aftersales")
    assert r.status_code == 200
    for b in buyers * 10:
        await open_ticket(client, db, b)
    await sign_in(client, me.email, staff=True)
    await client.get("/staff/aftersales")
    with StatementCounter(client.app) as many:
        r = await client.get("/staff/aftersales")
    assert few.count == many.count, (few.count, many.count)
    # keyset: the second page starts after the first, no row twice
    first = r.text
    assert "after=" in first
    after = first.split("after=", 1)[1].split('"', 1)[0].split("&", 1)[0]
    second = (await client.get(f"/staff/aftersales?after={after}")).text
    numbers_1, numbers_2 = set(CASE.findall(first)), set(CASE.findall(second))
    assert len(numbers_1) == 25 and len(numbers_2) == 8 and not numbers_1 & numbers_2
    total = await db.scalar(select(func.count()).select_from(AftersalesCase))
    assert total == 33


async def test_the_cron_job_run_twice_mails_each_after_sales_user_once_in_their_language(
    client, db, engine, settings, smtp_sink
):
    sink, url = smtp_sink
    zh = await make_staff(db, "aftersales", locale="zh_CN")
    en = await make_staff(db, "aftersales", locale="en")
    buyer = await make_customer(db)
    _r, late = await open_ticket(client, db, buyer)
    await _overdue(db, late)
    await db.execute(delete(OutboxMessage))  # the new-ticket mails: not this test's
    await db.commit()
    ctx = {
        "settings": settings,
        "sessionmaker": make_sessionmaker(engine),
        "mailer": SmtpMailer(url, sender="Portal <aftersales@portal.test>"),
        "renderer": EmailRenderer(make_environment(), base_url="https://portal.example"),
    }
    assert await aftersales_sla_watchdog(ctx) == 1
    assert await aftersales_sla_watchdog(ctx) == 0
    sink.wait_for(2)
    assert len(sink.messages) == 2
    by_to = {m["To"]: m for m in sink.messages}
    assert (
        late.number in by_to[en.email]["Subject"] and "First response overdue" in by_to[en.email]["Subject"]
    )
    assert "首次响应超时" in by_to[zh.email]["Subject"]
    assert f"https://portal.example/staff/aftersales/{late.number}" in body_text(by_to[en.email])
