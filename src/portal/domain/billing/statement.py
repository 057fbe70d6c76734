"""The statement of account (对账单) of one customer account for a period of Shanghai business days.

``statement(db, actor, account_id, period)`` reads, in six statements:

- the **opening balance**: invoices issued before the period, less credit notes issued and payments
  received before it;
- the period's **entries** in date order — invoices (debit), credit notes and payments (credit) — each
  with the running balance after it; on one day invoices come first, then credit notes, then payments;
- the **closing balance** = opening + invoices − credit notes − payments of the period;
- the **ageing** of what is open at the period's end: each invoice issued by then, its balance as it
  stood then, in a bucket by the days it was overdue at the end date (current, 1–30, 31–60, 61–90,
  over 90, the bands of ``views.OVERDUE_BANDS``); the account's credit then (payments not allocated,
  and invoices paid more than their balance) is set against them, so the buckets less the credit
  are the closing balance.

Payments are counted net of reversals: a reversed payment and its reversal leave each other out
(``receivables.counted_payment``), as if the wrong entry had never been made. A customer reads only
their own account's statement; any other account, or one that does not exist, is NotFound (404).
Amounts are Decimals in CNY, the currency of every settlement document.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Numeric, String, and_, func, literal_column, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from portal.db.billing import CreditNote, Invoice, Payment, PaymentAllocation
from portal.db.customers import CustomerAccount
from portal.db.orders import Order
from portal.domain.billing.balances import correlated_sum
from portal.domain.billing.receivables import ZERO, counted_payment
from portal.domain.billing.views import OVERDUE_BANDS, OVERDUE_LABELS
from portal.domain.errors import NotFound
from portal.domain.orders.actors import Actor
from portal.i18n import N_

CURRENCY = "CNY"
INVOICE, CREDIT_NOTE, PAYMENT = "invoice", "credit_note", "payment"
ENTRY_LABELS = {INVOICE: N_("Invoice"), CREDIT_NOTE: N_("Credit note"), PAYMENT: N_("Payment received")}
CURRENT = "current"
BUCKETS = (CURRENT, *OVERDUE_BANDS)  # current, 1-30, 31-60, 61-90, 90+
BUCKET_LABELS = {CURRENT: N_("current"), **OVERDUE_LABELS}


@dataclass(frozen=True)
class Period:
    """From and to, both included: Shanghai business days (``clock.today()`` is one)."""

    start: date
    end: date

    @classmethod
    def of(cls, start: date | None, end: date | None, today: date) -> Period:
        """The period asked for: missing ends default to this month so far; reversed ends swap."""
        end = end or today
        start = start or end.replace(day=1)
        return cls(start, end) if start <= end else cls(end, start)


@dataclass(frozen=True)
class Entry:
    """One line of the statement: ``debit`` raises what the account owes, ``credit`` lowers it."""

    on: date
    kind: str  # invoice | credit_note | payment
    number: str  # the document's number; a payment's reference
    order_number: str  # the order of an invoice or credit note; "" for a payment
    reference: str  # an invoice's due date (ISO), a credit note's invoice number; "" for a payment
    debit: Decimal
    credit: Decimal
    balance: Decimal  # after this entry


@dataclass(frozen=True)
class OpenItem:
    """An invoice with a balance at the period's end, and how late it was then."""

    number: str
    issued_on: date
    due_on: date
    balance: Decimal
    days_overdue: int  # 0 or less: not yet due
    bucket: str


@dataclass(frozen=True)
class Ageing:
    buckets: dict[str, Decimal]  # by ``BUCKETS`` key
    credit: Decimal  # the account's unapplied credit at the end date, set against the buckets
    items: list[OpenItem]

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO) - self.credit


@dataclass(frozen=True)
class Statement:
    account_id: int
    account_name: str
    invoice_title: str
    tax_id: str
    currency: str
    period: Period
    opening: Decimal
    entries: list[Entry]
    ageing: Ageing

    @property
    def invoiced(self) -> Decimal:
        return sum((e.debit for e in self.entries if e.kind == INVOICE), ZERO)

    @property
    def credited(self) -> Decimal:
        return sum((e.credit for e in self.entries if e.kind == CREDIT_NOTE), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((e.credit for e in self.entries if e.kind == PAYMENT), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.invoiced - self.credited - self.paid


def bucket_of(days_overdue: int) -> str:
    """The ageing bucket of an amount ``days_overdue`` days past its due date (0 or less: current)."""
    for key, (least, most) in OVERDUE_BANDS.items():
        if days_overdue >= least and (most is None or days_overdue <= most):
            return key
    return CURRENT


async def _account(db: AsyncSession, actor: Actor, account_id: int) -> CustomerAccount:
    if actor.kind == "customer" and actor.account_id != account_id:
        raise NotFound()
    if actor.kind not in ("customer", "staff", "system"):
        raise NotFound()
    account = await db.get(CustomerAccount, account_id) if 0 < account_id < 2**63 else None
    if account is None:
        raise NotFound()
    return account


def _text(value: str) -> ColumnElement[str]:
    """A constant written into the SQL (a bound one has no type a UNION could take)."""
    return literal_column(f"'{value}'", String)


NO_AMOUNT = literal_column("0.00", Numeric(14, 2))


def _documents(account_id: int):  # noqa: ANN202
    """(on, sort, id, kind, number, order number, reference, debit, credit) of every document."""
    invoices = (
        select(
            Invoice.issued_on.label("on"),
            literal_column("0").label("sort"),
            Invoice.id,
            _text(INVOICE).label("kind"),
            Invoice.number,
            Order.number.label("order_number"),
            func.to_char(Invoice.due_on, "YYYY-MM-DD").label("reference"),
            Invoice.total.label("debit"),
            NO_AMOUNT.label("credit"),
        )
        .join(Order, Order.id == Invoice.order_id)
        .where(Invoice.account_id == account_id)
    )
    notes = (
        select(
            CreditNote.issued_on,
            literal_column("1"),
            CreditNote.id,
            _text(CREDIT_NOTE),
            CreditNote.number,
            Order.number,
            Invoice.number,
            NO_AMOUNT,
            CreditNote.total,
        )
        .join(Invoice, Invoice.id == CreditNote.invoice_id)
        .join(Order, Order.id == CreditNote.order_id)
        .where(CreditNote.account_id == account_id)
    )
    payments = select(
        Payment.received_on,
        literal_column("2"),
        Payment.id,
        _text(PAYMENT),
        Payment.reference,
        _text(""),
        _text(""),
        NO_AMOUNT,
        Payment.amount,
    ).where(Payment.account_id == account_id, counted_payment())
    return union_all(invoices, notes, payments).subquery()


async def _opening(db: AsyncSession, account_id: int, start: date) -> Decimal:
    docs = _documents(account_id)
    stmt = select(func.coalesce(func.sum(docs.c.debit - docs.c.credit), 0)).where(docs.c.on < start)
    return Decimal(await db.scalar(stmt))


async def _entries(db: AsyncSession, account_id: int, period: Period, opening: Decimal) -> list[Entry]:
    docs = _documents(account_id)
    rows = await db.execute(
        select(docs)
        .where(docs.c.on.between(period.start, period.end))
        .order_by(docs.c.on, docs.c.sort, docs.c.id)
    )
    balance, out = opening, []
    for r in rows:
        balance += r.debit - r.credit
        out.append(Entry(r.on, r.kind, r.number, r.order_number, r.reference, r.debit, r.credit, balance))
    return out


async def _ageing(db: AsyncSession, account_id: int, end: date) -> Ageing:
    """What was open at the end of ``end`` (three statements): invoices by bucket, and the credit."""
    received = and_(counted_payment(), Payment.received_on <= end)
    counted = select(Payment.id).where(received)
    paid = correlated_sum(
        PaymentAllocation.amount,
        PaymentAllocation.invoice_id == Invoice.id,
        PaymentAllocation.payment_id.in_(counted),
        outer=Invoice,
    )
    credited = correlated_sum(
        CreditNote.total, CreditNote.invoice_id == Invoice.id, CreditNote.issued_on <= end, outer=Invoice
    )
    balance = (Invoice.total - paid - credited).label("balance")
    rows = await db.execute(
        select(Invoice.number, Invoice.issued_on, Invoice.due_on, balance)
        .where(Invoice.account_id == account_id, Invoice.issued_on <= end, balance != 0)
        .order_by(Invoice.due_on, Invoice.id)
    )
    buckets = dict.fromkeys(BUCKETS, ZERO)
    items, overpaid = [], ZERO
    for number, issued_on, due_on, owed in rows:
        if owed < 0:  # paid or credited beyond its total: credit the account holds
            overpaid -= owed
            continue
        late = (end - due_on).days
        item = OpenItem(number, issued_on, due_on, owed, late, bucket_of(late))
        buckets[item.bucket] += owed
        items.append(item)
    received_sum = await db.scalar(
        select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.account_id == account_id, received)
    )
    allocated_sum = await db.scalar(
        select(func.coalesce(func.sum(PaymentAllocation.amount), 0))
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .join(Invoice, Invoice.id == PaymentAllocation.invoice_id)
        .where(Payment.account_id == account_id, received, Invoice.issued_on <= end)
    )
    return Ageing(buckets, Decimal(received_sum) - Decimal(allocated_sum) + overpaid, items)


async def statement(db: AsyncSession, actor: Actor, account_id: int, period: Period) -> Statement:
    """The statement of ``account_id`` for ``period`` (see the module docstring); NotFound if unreadable."""
    account = await _account(db, actor, account_id)
    opening = await _opening(db, account.id, period.start)
    return Statement(
        account_id=account.id,
        account_name=account.name,
        invoice_title=account.invoice_title,
        tax_id=account.tax_id,
        currency=CURRENCY,
        period=period,
        opening=opening,
        entries=await _entries(db, account.id, period, opening),
        ageing=await _ageing(db, account.id, period.end),
    )
