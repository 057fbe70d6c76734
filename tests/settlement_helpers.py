"""Settlement rows written directly: invoices with chosen dates, credit notes, payments and allocations.

Payments are recorded by finance's own module elsewhere; these tests only need the rows it writes
(a ``Payment`` and its ``PaymentAllocation``s, a reversal as a negative payment pointing at it).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from sqlalchemy import select

from portal.db.billing import CreditNote, Invoice, Payment, PaymentAllocation

_seq = count(1)


def _tax_free(total: str) -> dict[str, Decimal]:
    """The amount columns of a tax-free invoice or credit note of ``total`` (simple sums)."""
    amount = Decimal(total)
    return {"subtotal": amount, "tax_rate": Decimal("0"), "tax_amount": Decimal("0.00"), "total": amount}


async def _flushed(db, row):  # noqa: ANN001, ANN202
    db.add(row)
    await db.flush()
    return row


async def invoice_row(db, order, total: str, *, issued_on: date, due_on: date | None = None) -> Invoice:  # noqa: ANN001
    """An invoice of ``order`` for ``total`` (tax-free for simple sums), net 30 unless ``due_on`` says."""
    invoice = Invoice(
        number=f"INV-T-{next(_seq):06d}",
        order_id=order.id,
        account_id=order.account_id,
        issued_on=issued_on,
        due_on=due_on or issued_on + timedelta(days=30),
        payment_terms="net",
        payment_days=30,
        **_tax_free(total),
    )
    return await _flushed(db, invoice)


async def credit_note_row(db, invoice: Invoice, total: str, *, issued_on: date) -> CreditNote:  # noqa: ANN001
    """A tax-free credit note of ``total`` against ``invoice``."""
    note = CreditNote(
        number=f"CN-T-{next(_seq):06d}",
        invoice_id=invoice.id,
        order_id=invoice.order_id,
        account_id=invoice.account_id,
        reason="test",
        issued_on=issued_on,
        **_tax_free(total),
    )
    return await _flushed(db, note)


async def pay(  # noqa: ANN201
    db,  # noqa: ANN001
    account_id: int,
    amount: str,
    *,
    received_on: date,
    to: tuple[tuple[Invoice, str], ...] = (),
    reference: str = "",
) -> Payment:
    """A payment of ``amount`` allocated as ``to`` says ((invoice, amount), …); the rest unapplied."""
    payment = Payment(
        account_id=account_id,
        received_on=received_on,
        amount=Decimal(amount),
        method="bank_transfer",
        reference=reference or f"REF-{next(_seq)}",
    )
    db.add(payment)
    await db.flush()
    db.add_all(PaymentAllocation(payment_id=payment.id, invoice_id=i.id, amount=Decimal(a)) for i, a in to)
    await db.flush()
    return payment


async def reverse(db, payment: Payment, *, received_on: date) -> Payment:  # noqa: ANN001
    """The reversing entry of ``payment``: its negative, with its allocations negated."""
    reversal = Payment(
        account_id=payment.account_id,
        received_on=received_on,
        amount=-payment.amount,
        method=payment.method,
        reference=f"reversal of {payment.reference}",
        reverses_payment_id=payment.id,
    )
    db.add(reversal)
    await db.flush()
    allocations = list(
        await db.scalars(select(PaymentAllocation).where(PaymentAllocation.payment_id == payment.id))
    )
    db.add_all(
        PaymentAllocation(payment_id=reversal.id, invoice_id=a.invoice_id, amount=-a.amount)
        for a in allocations
    )
    await db.flush()
    return reversal
