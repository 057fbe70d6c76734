"""Invoiced orders and finance's hands for the payment and bank statement tests."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from portal import clock
from portal.db.billing import Invoice
from portal.domain.billing.balances import InvoiceStatus, invoices_with_balances, status_of
from portal.domain.billing.payments import PaymentInput, record_payment
from tests.billing_helpers import QUANTITIES, invoices_of, odd_order, packed, ship
from tests.helpers import make_staff, staff_actor


async def invoiced(db, *, buyer=None):  # noqa: ANN001, ANN201
    """The odd order shipped whole, so one invoice (793.37 incl. tax, committed); (buyer, order, invoice)."""
    buyer, order = await odd_order(db, buyer=buyer)
    order = await packed(db, order)
    await ship(db, order, QUANTITIES, f"PAY-{order.id}")
    (invoice,) = await invoices_of(db, order)
    return buyer, order, invoice


async def finance(db):  # noqa: ANN001, ANN201
    """A new finance clerk as the domain's actor."""
    return staff_actor(await make_staff(db, "finance"))


async def paid(db, actor, account_id: int, amount: str, **kw):  # noqa: ANN001, ANN201
    """A payment of ``amount`` received today by bank transfer, recorded (not committed)."""
    data = PaymentInput(account_id, clock.today(), Decimal(amount), "bank_transfer", **kw)
    return await record_payment(db, actor, data)


async def standing(db, invoice: Invoice) -> tuple[Decimal, InvoiceStatus]:  # noqa: ANN001
    """The invoice's balance and status as the database has them now."""
    row = (await db.execute(invoices_with_balances().where(Invoice.id == invoice.id))).one()
    fresh, paid_sum, credited, balance = row
    return balance, status_of(fresh.total, paid_sum, credited, fresh.due_on, clock.today())


async def invoice_by_number(db, number: str) -> Invoice:  # noqa: ANN001
    return await db.scalar(select(Invoice).where(Invoice.number == number))
