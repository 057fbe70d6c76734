"""Issued invoices never change: whatever settles them (payments, a reversal, credit notes, fapiao
numbers, closing), their rows and lines are as they were issued; corrections are credit notes."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import text

from portal import clock
from portal.db.orders import Order
from portal.domain.billing import closing
from portal.domain.billing.credit_notes import issue_credit_note
from portal.domain.billing.invoices import FapiaoInput, record_fapiao
from portal.domain.billing.payments import allocate, reverse_payment
from portal.domain.orders import service
from portal.domain.orders.actors import Actor
from tests.billing_helpers import shipped_in_three
from tests.payment_helpers import finance, paid


async def _documents(db) -> list[list[tuple]]:  # noqa: ANN001
    """Every column of every invoice, invoice line and credit note, as stored."""
    out = []
    for table in ("invoices", "invoice_lines", "credit_notes"):
        rows = await db.execute(text(f"SELECT * FROM {table} ORDER BY id"))  # noqa: S608
        out.append([tuple(row) for row in rows.all()])
    return out


async def test_settling_an_order_changes_none_of_its_issued_documents(db):
    buyer, order, issued = await shipped_in_three(db)
    clerk = await finance(db)
    await record_fapiao(db, clerk, issued[0], FapiaoInput("26312000000012345678", "digital", clock.today()))
    await issue_credit_note(db, issued[2], amount=Decimal("10.00"), reason="Allowance", actor=clerk)
    await db.commit()
    invoices, lines, notes = await _documents(db)
    assert len(invoices) == 3 and len(notes) == 1

    # when: a wrong payment is allocated and reversed, the right ones settle everything, it closes
    wrong = await paid(db, clerk, buyer.account_id, "100.00")
    await allocate(db, clerk, wrong.id, {issued[0].id: Decimal("100.00")})
    await reverse_payment(db, clerk, wrong.id, "Wrong customer")
    owed = {i.id: i.total - (Decimal("10.00") if i.id == issued[2].id else 0) for i in issued}
    payment = await paid(db, clerk, buyer.account_id, str(sum(owed.values())))
    await allocate(db, clerk, payment.id, owed)
    await issue_credit_note(db, issued[1], amount=Decimal("1.00"), reason="Goodwill", actor=clerk)
    order = await db.get(Order, order.id, populate_existing=True)
    system = Actor.system("settlement")
    await service.deliver(db, system, order)
    await service.complete(db, system, order)
    await db.commit()
    assert await closing.close_settled(db) == 1
    await db.commit()

    # then: the invoices, their lines and the earlier credit note are exactly as issued
    after_invoices, after_lines, after_notes = await _documents(db)
    assert after_invoices == invoices and after_lines == lines
    assert after_notes[:1] == notes and len(after_notes) == 2  # the correction is a new credit note
