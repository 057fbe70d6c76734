"""The review queue and decisions, through the staff pages."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import clock
from portal.db.admin import PortalSetting
from portal.db.customers import CustomerAccount
from portal.db.orders import Order
from portal.domain.orders import service
from portal.domain.orders.actors import Actor
from portal.formatting import day, money
from portal.i18n import using_locale
from tests.helpers import (
    StatementCounter,
    as_staff,
    csrf_token,
    make_account,
    make_customer,
    make_order,
    make_staff,
    sign_in,
    text_of,
)

pytestmark = pytest.mark.business_midnight


async def submitted(db, buyer=None, *, when=None, **kw) -> Order:
    buyer = buyer or await make_customer(db)
    order = await make_order(db, customer=buyer, **kw)
    actor = Actor.customer(user_id=buyer.id, name=buyer.name, account_id=buyer.account_id)
    await service.submit(db, actor, order, now=when or clock.now())
    await db.commit()
    return order


async def test_queue_order_urgent_then_key_accounts_then_oldest(client, db):
    key = await make_customer(db, account=await make_account(db, is_key_account=True))
    plain = await make_customer(db)
    old_plain = await submitted(db, plain, when=clock.now() - timedelta(hours=30))
    new_key = await submitted(db, key, when=clock.now() - timedelta(hours=1))
    urgent = await submitted(db, plain, when=clock.now(), priority="urgent")
    await as_staff(client, db, "reviewer")
    page = (await client.get("/staff/review")).text
    positions = [page.index(o.number) for o in (urgent, new_key, old_plain)]
    assert positions == sorted(positions)
    assert "SLA breached" in text_of(page)  # 30 h against the default 4 h


async def test_queue_filters_and_claim(client, db):
    a = await make_customer(db)
    b = await make_customer(db)
    small = await submitted(db, a)
    big = await submitted(db, b, unit_price=Decimal("5000"))
    me, token = await as_staff(client, db, "reviewer")
    page = (await client.get(f"/staff/review?customer={b.account_id}")).text
    assert big.number in page and small.number not in page
    page = (await client.get("/staff/review?min_total=1000")).text
    assert big.number in page and small.number not in page
    r = await client.post(
        f"/staff/orders/{small.number}/claim", data={"_csrf_token": token}, headers={"hx-request": "true"}
    )
    assert r.status_code == 200 and r.headers["hx-trigger"] == "queue-changed"
    page = (await client.get("/staff/review?assignee=me")).text
    assert small.number in page and big.number not in page
    assert (await db.scalar(select(Order.assignee_staff_id).where(Order.id == small.id))) == me.id


async def test_queue_costs_the_same_number_of_queries_with_10_and_60_orders(client, db):
    buyer = await make_customer(db)
    for _ in range(10):
        await submitted(db, buyer)
    await as_staff(client, db, "reviewer")
    with StatementCounter(client.app) as few:
        await client.get("/staff/review")
    for _ in range(50):
        await submitted(db, buyer)
    with StatementCounter(client.app) as many:
        await client.get("/staff/review")
    assert few.count == many.count


async def test_review_page_shows_the_checks(client, db):
    account = await make_account(db, credit_limit=Decimal("1000"))
    buyer = await make_customer(db, account=account)
    order = await submitted(db, buyer, unit_price=Decimal("900"))  # 1,800 + VAT, over 1,000
    order.requested_delivery_date = clock.today()
    await db.commit()
    await as_staff(client, db, "reviewer")
    page = text_of((await client.get(f"/staff/orders/{order.number}")).text)
    assert "over the credit limit" in page
    assert "Missing: delivery address" in page
    assert "earliest feasible date" in page  # lead time 5 days, requested today
    # amounts and dates in the checks are formatted per locale, never raw Decimals or ISO dates
    for lang in ("en", "zh_CN"):
        shown = text_of((await client.get(f"/staff/orders/{order.number}", params={"lang": lang})).text)
        with using_locale(lang):
            limit, today = money(Decimal("1000"), "CNY"), day(clock.today())
        assert limit in shown and "1000.00" not in shown
        assert today in shown and clock.today().isoformat() not in shown


async def test_stale_version_gets_409_and_changes_nothing(client, db):
    order = await submitted(db)
    _, token = await as_staff(client, db, "reviewer")
    r = await client.post(
        f"/staff/orders/{order.number}/reject",
        data={"_csrf_token": token, "version": str(order.version - 1), "reason": "no"},
    )
    assert r.status_code == 409 and "changed by someone else" in r.text
    assert (await db.scalar(select(Order.status).where(Order.id == order.id))) == "submitted"


async def test_reject_and_request_changes_need_text(client, db):
    order = await submitted(db)
    _, token = await as_staff(client, db, "reviewer")
    r = await client.post(
        f"/staff/orders/{order.number}/reject",
        data={"_csrf_token": token, "version": str(order.version), "reason": ""},
    )
    assert r.status_code == 422 and "Please give a reason." in r.text


async def test_two_decisions_at_once_one_wins(client, db, settings):
    from litestar.testing import AsyncTestClient

    from portal.app import create_app

    order = await submitted(db)
    _, token = await as_staff(client, db, "reviewer")
    other = await make_staff(db, "reviewer")
    async with AsyncTestClient(app=create_app(settings), base_url="http://testserver.local") as second:
        await sign_in(second, other.email, staff=True)
        token2 = await csrf_token(second, "/staff/login")
        version = str(order.version)
        results = await asyncio.gather(
            client.post(
                f"/staff/orders/{order.number}/approve",
                data={"_csrf_token": token, "version": version},
                follow_redirects=False,
            ),
            second.post(
                f"/staff/orders/{order.number}/reject",
                data={"_csrf_token": token2, "version": version, "reason": "no"},
                follow_redirects=False,
            ),
        )
    assert sorted(r.status_code for r in results) == [303, 409]


async def _set_thresholds(db, *values):
    db.add(PortalSetting(key="approval_thresholds", value=[str(v) for v in values]))
    await db.commit()


async def test_one_and_two_level_approvals_through_the_pages(client, db):
    await _set_thresholds(db, 1000, 5000)
    one = await submitted(db, unit_price=Decimal("1000"))  # 2,260: one level
    two = await submitted(db, unit_price=Decimal("3000"))  # 6,780: two levels
    _, token = await as_staff(client, db, "reviewer")
    for order in (one, two):
        r = await client.post(
            f"/staff/orders/{order.number}/approve",
            data={"_csrf_token": token, "version": str(order.version)},
            follow_redirects=False,
        )
        assert r.status_code == 303
    approvers = [await make_staff(db, "approver") for _ in range(2)]
    for i, approver in enumerate(approvers):
        await sign_in(client, approver.email, staff=True)
        for order in (one, two) if i == 0 else (two,):
            version = await db.scalar(
                select(Order.version).where(Order.id == order.id).execution_options(populate_existing=True)
            )
            r = await client.post(
                f"/staff/orders/{order.number}/approve",
                data={"_csrf_token": token, "version": str(version)},
                follow_redirects=False,
            )
            assert r.status_code == 303, r.text
    statuses = dict(
        (await db.execute(select(Order.number, Order.status).where(Order.id.in_([one.id, two.id])))).all()
    )
    assert statuses == {one.number: "confirmation_sent", two.number: "confirmation_sent"}


async def test_key_account_flag_is_shown(client, db):
    account = await make_account(db, is_key_account=True)
    order = await submitted(db, await make_customer(db, account=account))
    await as_staff(client, db, "reviewer")
    assert "key account" in text_of((await client.get("/staff/review")).text)
    assert (await db.get(CustomerAccount, account.id)).is_key_account and order.number
