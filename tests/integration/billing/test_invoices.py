"""Invoices issued as goods leave (or at confirmation when prepaid): numbers without gaps, totals to the cent."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.db.billing import Invoice, InvoiceLine
from portal.db.engine import make_engine, make_sessionmaker
from portal.db.orders import Order, OrderEvent
from portal.db.outbox import OutboxMessage
from portal.domain.billing import invoices
from tests.billing_helpers import (
    PRICES,
    SHIPPING_FEE,
    SPLITS,
    invoices_of,
    odd_order,
    packed,
    ship,
    shipped_in_three,
)
from tests.helpers import make_customer, make_order


@pytest.fixture
async def wide_engine(settings):
    """Enough connections for every contender to hold its own."""
    engine = make_engine(settings.database_url, pool_size=30)
    yield engine
    await engine.dispose()


async def _placed_orders(db, n: int) -> list[int]:  # noqa: ANN001
    buyer = await make_customer(db)
    ids = []
    for i in range(n):
        order = await make_order(db, customer=buyer, status="confirmed", number=f"SO-2026-{i + 1:06d}")
        ids.append(order.id)
    return ids


async def test_20_concurrent_issues_get_20_consecutive_numbers_and_rollbacks_burn_none(db, wide_engine):
    # given: 25 orders, each invoiced on its own connection; 5 of those transactions will roll back
    order_ids = await _placed_orders(db, 25)
    doomed = set(order_ids[::5])
    sessions = make_sessionmaker(wide_engine)
    start = asyncio.Event()

    async def issue(order_id: int) -> str | None:
        async with sessions() as s:
            await s.begin()
            order = await s.get(Order, order_id)
            await start.wait()
            invoice = await invoices.issue_prepayment(s, order)
            if order_id in doomed:
                await asyncio.sleep(0.05)  # others queue on the counter meanwhile
                await s.rollback()
                return None
            await s.commit()
            return invoice.number

    # when: all issue at once
    tasks = [asyncio.create_task(issue(i)) for i in order_ids]
    await asyncio.sleep(0.2)
    start.set()
    numbers = [n for n in await asyncio.gather(*tasks) if n]

    # then: the 20 committed invoices hold exactly the numbers 1..20 of the year, no gap, no twin
    year = clock.today().year
    assert sorted(numbers) == [f"INV-{year}-{n:06d}" for n in range(1, 21)]
    stored = (await db.scalars(select(Invoice.number).order_by(Invoice.number))).all()
    assert stored == sorted(numbers)


async def test_a_rolled_back_issue_returns_its_number(db, wide_engine):
    first, second = await _placed_orders(db, 2)
    sessions = make_sessionmaker(wide_engine)
    async with sessions() as s:
        await s.begin()
        burnt = await invoices.issue_prepayment(s, await s.get(Order, first))
        await s.rollback()
    async with sessions() as s, s.begin():
        kept = await invoices.issue_prepayment(s, await s.get(Order, second))
    year = clock.today().year
    assert burnt.number == kept.number == f"INV-{year}-000001"


async def test_three_partial_shipments_are_invoiced_to_the_order_total_to_the_cent(db):
    buyer, order, issued = await shipped_in_three(db)
    order = await db.get(Order, order.id, populate_existing=True)
    assert order.status == "shipped"

    # one invoice per shipment, numbered in order
    assert len(issued) == 3 and all(i.kind == "shipment" and i.shipment_id for i in issued)
    numbers = [int(i.number.rsplit("-", 1)[1]) for i in issued]
    assert numbers == [1, 2, 3]

    # each invoice bills what its shipment carried, at the snapshotted prices
    for invoice, split in zip(issued, SPLITS, strict=True):
        lines = (
            await db.scalars(
                select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.id)
            )
        ).all()
        billed = {(ln.unit_price, ln.quantity) for ln in lines}
        assert billed == {(p, q) for p, q in zip(PRICES, split, strict=True) if q}
        assert invoice.subtotal == sum(p * q for p, q in zip(PRICES, split, strict=True))
        assert invoice.total == invoice.subtotal + invoice.shipping_fee + invoice.tax_amount

    # the shipping fee once, on the first; together they are the order, to the cent
    assert [i.shipping_fee for i in issued] == [SHIPPING_FEE, Decimal("0.00"), Decimal("0.00")]
    assert sum(i.subtotal for i in issued) == order.subtotal
    assert sum(i.tax_amount for i in issued) == order.tax_amount == Decimal("91.27")
    assert sum(i.total for i in issued) == order.total

    # net 30: due 30 days after the issue date; the order's invoice details are copied
    first = issued[0]
    assert first.due_on == first.issued_on + timedelta(days=30)
    assert (first.invoice_title, first.tax_id) == ("Odd Prices Ltd", "91310000MA1FL8XQ37")


async def test_each_invoice_is_on_the_timeline_and_mailed_to_the_buyer(db):
    buyer, order, issued = await shipped_in_three(db)
    events = (
        await db.scalars(
            select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.action == "invoice_issued")
        )
    ).all()
    assert [e.data["number"] for e in events] == [i.number for i in issued]
    assert all(e.public and e.actor_kind == "system" for e in events)
    mails = (
        await db.scalars(
            select(OutboxMessage).where(OutboxMessage.template == "invoice_issued").order_by(OutboxMessage.id)
        )
    ).all()
    assert [m.recipient for m in mails] == [buyer.email] * 3
    assert [m.context["invoice_path"] for m in mails] == [f"/invoices/{i.number}" for i in issued]


async def test_issuing_twice_for_one_shipment_gives_the_same_invoice(db):
    _, order, issued = await shipped_in_three(db)
    again = await invoices.issue_for_shipment(db, order, issued[1].shipment_id)
    await db.commit()
    assert again.id == issued[1].id
    assert await db.scalar(select(func.count(Invoice.id))) == 3


async def test_a_prepaid_order_is_invoiced_once_at_confirmation(db):
    # when: the buyer confirms an order on prepaid terms
    _, order = await odd_order(db, terms="prepaid", days=0)
    issued = await invoices_of(db, order)

    # then: one invoice for all of it, due on the day it is issued
    assert len(issued) == 1
    invoice = issued[0]
    order = await db.get(Order, order.id, populate_existing=True)
    assert invoice.kind == "prepayment" and invoice.shipment_id is None
    assert invoice.total == order.total and invoice.tax_amount == order.tax_amount
    assert invoice.shipping_fee == SHIPPING_FEE
    assert invoice.due_on == invoice.issued_on == clock.today()

    # and: its shipments issue no further invoice
    order = await packed(db, order)
    await ship(db, order, SPLITS[0], "PRE-1")
    assert [i.id for i in await invoices_of(db, order)] == [invoice.id]
