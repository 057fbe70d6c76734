"""Receivables (应收账款): what an account owes, how exposed we are to it, and what finance has to chase.

- ``counted_payment``: the payments a balance counts — a reversed payment and its reversal (a
  negative payment pointing at it) leave each other out, so a wrong entry vanishes from statements;
- ``unapplied_amount``: per payment row, the part not allocated (核销) to any invoice;
- ``exposure(db, account_id, excluding_order_id=…)``: the review's credit check — the balances of the
  account's invoices, plus its confirmed orders not yet invoiced, minus its unapplied credit;
- ``finance_overview(db, today)``: the finance dashboard — open and overdue receivables, overdue
  invoices, unmatched bank statement lines, and the accounts holding unapplied credit.

Amounts are Decimals in the documents' currency (CNY); a balance is total − payments − credit notes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from portal.db.billing import BankStatementLine, Invoice, Payment, PaymentAllocation
from portal.db.customers import CustomerAccount
from portal.db.orders import Order
from portal.domain.billing.balances import correlated_sum, invoice_balance
from portal.domain.orders import states

ZERO = Decimal("0.00")
UNMATCHED = "unmatched"  # BankStatementLine.status of a line no payment was made from yet


def counted_payment() -> ColumnElement[bool]:
    """``Payment`` is neither a reversal nor reversed: the statement's and the ageing's payments, and
    the only ones whose unapplied amount can still be allocated."""
    reversal = aliased(Payment)
    return and_(
        Payment.reverses_payment_id.is_(None),
        ~exists().where(reversal.reverses_payment_id == Payment.id),
    )


def allocated_of_payment() -> ColumnElement[Decimal]:
    """Σ allocations of ``Payment`` (correlated); 0 when none."""
    return correlated_sum(PaymentAllocation.amount, PaymentAllocation.payment_id == Payment.id, outer=Payment)


def unapplied_amount() -> ColumnElement[Decimal]:
    """The unapplied credit of one ``Payment`` row: its amount minus what was allocated of it."""
    return Payment.amount - allocated_of_payment()


@dataclass(frozen=True)
class Exposure:
    """What an account owes or is committed to, in CNY: the review's credit check weighs ``total``."""

    invoiced: Decimal  # the balances of its invoices (a credited paid invoice counts as credit)
    uninvoiced: Decimal  # its confirmed orders' totals not yet invoiced (the order in review left out)
    unapplied: Decimal  # payments received but not allocated to an invoice

    @property
    def total(self) -> Decimal:
        return self.invoiced + self.uninvoiced - self.unapplied


def exposure_sums(account_id: Any, excluding_order_id: Any) -> tuple[ColumnElement[Decimal], ...]:
    """``Exposure``'s three sums as scalar subqueries; ``account_id`` and ``excluding_order_id`` are
    values or columns of an enclosing statement (the staff order page reads them with the order)."""
    invoiced = (
        select(func.coalesce(func.sum(invoice_balance()), 0))
        .where(Invoice.account_id == account_id)
        .scalar_subquery()
    )
    committed = aliased(Order, name="committed")  # the enclosing statement may read orders too
    billed = correlated_sum(Invoice.total, Invoice.order_id == committed.id, outer=committed)
    uninvoiced = (
        select(func.coalesce(func.sum(func.greatest(committed.total - billed, 0)), 0))
        .where(
            committed.account_id == account_id,
            committed.status.in_(states.COMMITTED),
            committed.id != excluding_order_id,
        )
        .scalar_subquery()
    )
    unapplied = (
        select(func.coalesce(func.sum(unapplied_amount()), 0))
        .where(Payment.account_id == account_id)
        .scalar_subquery()
    )
    return invoiced, uninvoiced, unapplied


async def exposure(db: AsyncSession, account_id: int, *, excluding_order_id: int | None = None) -> Exposure:
    """The account's credit exposure in one statement (see ``Exposure``)."""
    row = (await db.execute(select(*exposure_sums(account_id, excluding_order_id or 0)))).one()
    return Exposure(*(Decimal(v) for v in row))


@dataclass(frozen=True)
class CreditHolder:
    account_id: int
    account_name: str
    unapplied: Decimal


@dataclass(frozen=True)
class FinanceOverview:
    """The finance dashboard's numbers (CNY); ``credit_holders`` the accounts with the most credit."""

    open_receivables: Decimal  # Σ what is still owed on invoices
    overdue_receivables: Decimal  # the part of it past its due date
    overdue_invoices: int
    unmatched_lines: int  # bank statement lines waiting for finance
    credit_accounts: int  # accounts holding unapplied credit
    credit_holders: list[CreditHolder]


async def finance_overview(db: AsyncSession, today: date, *, limit: int = 10) -> FinanceOverview:
    """What finance sees on the dashboard, in two statements; ``today`` from ``clock.today()``."""
    balances = select(Invoice.due_on, invoice_balance().label("balance")).subquery()
    owed = balances.c.balance > 0
    overdue = and_(owed, balances.c.due_on < today)
    unapplied = (
        select(Payment.account_id, func.sum(unapplied_amount()).label("unapplied"))
        .group_by(Payment.account_id)
        .having(func.sum(unapplied_amount()) > 0)
        .subquery()
    )
    totals = select(
        func.coalesce(func.sum(balances.c.balance).filter(owed), 0),
        func.coalesce(func.sum(balances.c.balance).filter(overdue), 0),
        func.count().filter(overdue),
        select(func.count()).where(BankStatementLine.status == UNMATCHED).scalar_subquery(),
        select(func.count()).select_from(unapplied).scalar_subquery(),
    ).select_from(balances)
    open_sum, overdue_sum, overdue_count, unmatched, credit_accounts = (await db.execute(totals)).one()
    holders = await db.execute(
        select(unapplied.c.account_id, CustomerAccount.name, unapplied.c.unapplied)
        .join(CustomerAccount, CustomerAccount.id == unapplied.c.account_id)
        .order_by(unapplied.c.unapplied.desc(), unapplied.c.account_id)
        .limit(limit)
    )
    return FinanceOverview(
        Decimal(open_sum),
        Decimal(overdue_sum),
        overdue_count,
        unmatched,
        credit_accounts,
        [CreditHolder(*row) for row in holders],
    )
