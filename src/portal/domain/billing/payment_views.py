"""Finance's payment pages, each read in a fixed number of statements: the list, one payment, credit.

- ``payment_list``: one keyset page of payments (newest received first), optionally one account's or
  only those with unapplied credit, with each one's unapplied amount and reversal;
- ``payment_detail``: one payment with its allocations, its reversal (or the payment it reverses)
  and the account's invoices still owed, for the allocation form;
- ``unapplied_credit``: the accounts holding unapplied credit, and how much.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from portal.db.billing import Invoice, Payment, PaymentAllocation
from portal.db.customers import CustomerAccount
from portal.db.orders import Order
from portal.domain import paging
from portal.domain.billing.receivables import counted_payment, unapplied_amount
from portal.domain.billing.views import InvoiceRow, day_cursor, open_invoices
from portal.domain.errors import NotFound
from portal.domain.orders.actors import Actor
from portal.domain.orders.staff_list import customer_choices
from portal.domain.paging import Page

PAGE_SIZE = 25


@dataclass(frozen=True)
class PaymentRow:
    id: int
    account_id: int
    account_name: str
    received_on: date
    amount: Decimal  # negative for a reversal
    currency: str
    method: str
    reference: str
    note: str
    bank_line_id: int | None
    reverses_payment_id: int | None
    reversed_by: int | None  # the reversal's id, once reversed
    recorded_at: datetime
    recorded_by: str
    unapplied: Decimal

    @property
    def allocatable(self) -> Decimal:
        """What can still be allocated: the unapplied amount of a payment neither reversed nor a reversal."""
        if self.reverses_payment_id is not None or self.reversed_by is not None:
            return Decimal("0.00")
        return self.unapplied


def _reversed_by() -> ColumnElement[int | None]:
    """The id of ``Payment``'s reversal, if it has one."""
    reversal = aliased(Payment)
    return (
        select(reversal.id)
        .where(reversal.reverses_payment_id == Payment.id)
        .correlate(Payment)
        .scalar_subquery()
    )


def _rows() -> Select:
    """Payments with their account's name, unapplied amount and reversal, in PaymentRow's field order."""
    others = {
        "account_name": CustomerAccount.name,
        "reversed_by": _reversed_by(),
        "unapplied": unapplied_amount(),
    }
    columns = [
        others[f].label(f) if f in others else getattr(Payment, f) for f in PaymentRow.__dataclass_fields__
    ]
    return select(*columns).join(CustomerAccount, CustomerAccount.id == Payment.account_id)


def _row(r: Any) -> PaymentRow:
    return PaymentRow(*r)


@dataclass(frozen=True)
class PaymentFilter:
    """``account_id``: one account's payments; ``open_only``: those with something left to allocate."""

    account_id: int | None = None
    open_only: bool = False
    after: str | None = None  # keyset cursor


@dataclass(frozen=True)
class PaymentList:
    result: Page[PaymentRow]
    accounts: list[tuple[int, str]]


async def payment_list(db: AsyncSession, filters: PaymentFilter, *, limit: int = PAGE_SIZE) -> PaymentList:
    """One page of payments, newest received first, and the accounts to filter by (two statements)."""
    stmt = _rows()
    if filters.account_id is not None:
        stmt = stmt.where(Payment.account_id == filters.account_id)
    if filters.open_only:
        stmt = stmt.where(counted_payment(), unapplied_amount() > 0)
    if cursor := day_cursor(filters.after):
        stmt = stmt.where(tuple_(Payment.received_on, Payment.id) < tuple_(*cursor))
    stmt = stmt.order_by(Payment.received_on.desc(), Payment.id.desc()).limit(limit + 1)
    rows = [_row(r) for r in (await db.execute(stmt)).all()]
    page = paging.page_of(rows, limit, lambda r: paging.encode_cursor(r.received_on.isoformat(), r.id))
    return PaymentList(page, await customer_choices(db))


@dataclass(frozen=True)
class AllocationRow:
    invoice_number: str
    order_number: str
    amount: Decimal
    allocated_at: datetime
    allocated_by: str


@dataclass(frozen=True)
class PaymentDetail:
    payment: PaymentRow
    allocations: list[AllocationRow]
    related: PaymentRow | None  # its reversal, or the payment it reverses
    open_invoices: list[InvoiceRow]  # the account's invoices still owed


async def payment_detail(db: AsyncSession, actor: Actor, payment_id: int) -> PaymentDetail:
    """One payment as finance reads it (four statements); NotFound for no such payment."""
    found = (await db.execute(_rows().where(Payment.id == payment_id))).first()
    if found is None:
        raise NotFound()
    payment = _row(found)
    allocations = await db.execute(
        select(
            Invoice.number,
            Order.number,
            PaymentAllocation.amount,
            PaymentAllocation.allocated_at,
            PaymentAllocation.allocated_by,
        )
        .join(Invoice, Invoice.id == PaymentAllocation.invoice_id)
        .join(Order, Order.id == Invoice.order_id)
        .where(PaymentAllocation.payment_id == payment.id)
        .order_by(PaymentAllocation.id)
    )
    related_id = payment.reversed_by or payment.reverses_payment_id
    related = (await db.execute(_rows().where(Payment.id == related_id))).first() if related_id else None
    return PaymentDetail(
        payment=payment,
        allocations=[AllocationRow(*r) for r in allocations.all()],
        related=_row(related) if related else None,
        open_invoices=await open_invoices(db, actor, payment.account_id) if payment.allocatable > 0 else [],
    )


@dataclass(frozen=True)
class AccountCredit:
    account_id: int
    account_name: str
    unapplied: Decimal
    payments: int  # how many of its payments hold some


async def unapplied_credit(db: AsyncSession) -> list[AccountCredit]:
    """Accounts with unapplied credit (payments not, or not wholly, allocated), the most first (one statement).

    A reversed payment and its reversal cancel out, and are left out.
    """
    per_payment = (
        select(Payment.account_id, unapplied_amount().label("unapplied"))
        .where(counted_payment(), unapplied_amount() != 0)
        .subquery()
    )
    rows = await db.execute(
        select(
            per_payment.c.account_id,
            CustomerAccount.name,
            func.sum(per_payment.c.unapplied),
            func.count().filter(per_payment.c.unapplied > 0),
        )
        .join(CustomerAccount, CustomerAccount.id == per_payment.c.account_id)
        .group_by(per_payment.c.account_id, CustomerAccount.name)
        .having(func.sum(per_payment.c.unapplied) != 0)
        .order_by(func.sum(per_payment.c.unapplied).desc(), CustomerAccount.name)
    )
    return [AccountCredit(*r) for r in rows.all()]


async def account_choices(db: AsyncSession) -> list[tuple[int, str]]:
    """The customer accounts a payment may come from, by name."""
    return await customer_choices(db)
