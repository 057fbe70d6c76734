"""What is still owed: per invoice, the amounts paid (allocated) and credited, the balance and the status.

An invoice's balance = total − Σ payment allocations − Σ credit notes against it (never stored: the
sums are taken from the rows, in the same statement as the invoices they belong to). Its status,
in the buyer's and finance's words (GLOSSARY.md):

- ``credited``      credit notes cover the whole total
- ``paid``          nothing left to pay (payments, or payments and credit notes, cover it)
- ``overdue``       something left to pay and the due date has passed (Shanghai business day)
- ``partly_paid``   something paid, something left, not yet due
- ``open``          nothing paid yet, not yet due (a credit note alone lowers the balance: still open)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.sql.elements import ColumnElement

from portal.db.billing import CreditNote, Invoice, PaymentAllocation


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"
    OVERDUE = "overdue"
    CREDITED = "credited"


# the statuses in which something is still owed
UNSETTLED = frozenset({InvoiceStatus.OPEN, InvoiceStatus.PARTLY_PAID, InvoiceStatus.OVERDUE})


def correlated_sum(column: Any, *where: Any, outer: Any) -> ColumnElement[Decimal]:
    """Σ ``column`` over the rows matching ``where``, for each row of ``outer`` (a correlated scalar
    subquery); 0 when none match."""
    return select(func.coalesce(func.sum(column), 0)).where(*where).correlate(outer).scalar_subquery()


def paid_amount() -> ColumnElement[Decimal]:
    """Σ allocations to ``Invoice`` (reversals included, as negative allocations); 0.00 when none."""
    return correlated_sum(PaymentAllocation.amount, PaymentAllocation.invoice_id == Invoice.id, outer=Invoice)


def credited_amount() -> ColumnElement[Decimal]:
    """Σ credit notes against ``Invoice``; 0.00 when none."""
    return correlated_sum(CreditNote.total, CreditNote.invoice_id == Invoice.id, outer=Invoice)


def invoice_balance() -> ColumnElement[Decimal]:
    """``Invoice``'s balance today: total − allocations − credit notes (negative: the account's credit)."""
    return Invoice.total - paid_amount() - credited_amount()


def invoices_with_balances() -> Select:
    """``SELECT Invoice, paid, credited, balance FROM invoices`` — add ``where``/``order_by`` to taste.

    Row shape: ``(Invoice, paid: Decimal, credited: Decimal, balance: Decimal)``.
    """
    paid = paid_amount().label("paid")
    credited = credited_amount().label("credited")
    return select(Invoice, paid, credited, invoice_balance().label("balance"))


def status_of(total: Decimal, paid: Decimal, credited: Decimal, due_on: date, today: date) -> InvoiceStatus:
    """The status of an invoice from its sums (see the module docstring); ``today`` from ``clock.today()``."""
    balance = total - paid - credited
    if credited >= total and total > 0:
        return InvoiceStatus.CREDITED
    if balance <= 0:
        return InvoiceStatus.PAID
    if due_on < today:
        return InvoiceStatus.OVERDUE
    if paid > 0:
        return InvoiceStatus.PARTLY_PAID
    return InvoiceStatus.OPEN
