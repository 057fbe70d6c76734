"""收款: finance records the money an account paid, allocates it to invoices (核销), or reverses it.

Every function runs in the caller's transaction and never commits. The rules:

- a payment has a received date (not in the future), an amount above 0 with at most two decimals,
  a method (METHODS), a reference and a note; it belongs to one customer account;
- ``allocate`` applies parts of it to the account's invoices: never more than an invoice's balance
  (total − payments − credit notes), never more in all than the payment's *unapplied* amount
  (amount − its allocations). The payment's row is locked first, then the invoices' rows in id
  order, and the sums are read only after the locks: two clerks allocating at once queue, and the
  second sees what the first applied (credit notes lock the same invoice rows);
- what is not allocated is *unapplied credit* on the account, to be allocated later;
- a wrong payment is never deleted or changed: ``reverse_payment`` writes a reversing payment (the
  negative amount, ``reverses_payment_id`` pointing at it) whose allocations negate the original's,
  so every invoice's balance is what it was; a payment is reversed at most once (a unique index),
  a reversal is never reversed, and a payment confirmed from a bank line sets that line back to
  unmatched (so it can be confirmed to the right account);
- everything is written to the audit log (entity ``payment``); each invoice a payment reaches gets a
  ``payment_received`` (or ``payment_reversed``) event on its order's timeline, and the buyer a
  "payment received" e-mail per invoice and allocation, linking to ``/invoices/<number>``.

Only finance (and admin) may do any of this (``events.STEP_ROLES``); others get Forbidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.billing import BankStatementLine, Invoice, Payment, PaymentAllocation
from portal.db.customers import CustomerAccount
from portal.db.orders import Order
from portal.domain.audit import trail as audit
from portal.domain.billing.balances import invoices_with_balances
from portal.domain.billing.credit_notes import AMOUNT
from portal.domain.billing.invoices import mail_context
from portal.domain.billing.money import ZERO, money
from portal.domain.billing.receivables import unapplied_amount
from portal.domain.errors import Forbidden, NotFound, ValidationFailed
from portal.domain.orders import events, notify
from portal.domain.orders.actors import Actor
from portal.formatting import iso
from portal.i18n import N_, gettext

METHODS = ("bank_transfer", "cash", "cheque", "acceptance_bill", "other")
METHOD_LABELS = {
    "bank_transfer": N_("bank transfer"),
    "cash": N_("cash"),
    "cheque": N_("cheque"),
    "acceptance_bill": N_("acceptance bill"),
    "other": N_("other"),
}


def method_label(method: str) -> str:
    """How the money was paid, in the reader's language (an unknown code reads "other")."""
    return gettext(METHOD_LABELS.get(method, METHOD_LABELS["other"]))


ALLOC_FIELD = "alloc_"  # the form field of an amount for one invoice: alloc_<invoice id>
AUDITED = ("account_id", "received_on", "amount", "method", "reference", "note", "bank_line_id")

ACCOUNT = N_("Choose the customer account that paid.")
RECEIVED_ON = N_("Enter the date the money was received (not in the future).")
METHOD = N_("Choose how the money was paid.")
NOTHING = N_("Enter an amount for at least one invoice.")
NOT_OPEN = N_("This invoice is not one of the account's invoices.")
OVER_BALANCE = N_("At most %(left)s is still owed on this invoice.")
OVER_PAYMENT = N_("At most %(left)s of this payment is still unapplied.")
SETTLED = N_("This payment has been reversed (or reverses another): nothing of it can be allocated.")
REASON = N_("Say why the payment is reversed.")
REVERSED = N_("This payment has already been reversed.")
NOT_REVERSIBLE = N_("A reversal cannot be reversed: record the payment again instead.")


@dataclass(frozen=True)
class PaymentInput:
    """A payment as finance typed it (None where the field was blank or unreadable)."""

    account_id: int | None
    received_on: date | None
    amount: Decimal | None
    method: str
    reference: str = ""
    note: str = ""


def require_finance(actor: Actor, kind: events.EventKind = events.EventKind.PAYMENT_RECEIVED) -> None:
    """Forbidden unless ``actor`` may record ``kind`` (finance, or admin): checked before anything is read."""
    if actor.acting_role(events.STEP_ROLES[kind]) is None:
        raise Forbidden()


async def record_payment(
    db: AsyncSession, actor: Actor, data: PaymentInput, *, bank_line_id: int | None = None
) -> Payment:
    """Write one payment received from ``data.account_id``, all of it unapplied until ``allocate``.

    Raises ValidationFailed (fields ``account_id``, ``received_on``, ``amount``, ``method``) and
    Forbidden for an actor who is not finance.
    """
    require_finance(actor)
    errors: dict[str, str] = {}
    if data.account_id is None or await db.get(CustomerAccount, data.account_id) is None:
        errors["account_id"] = ACCOUNT
    if data.received_on is None or data.received_on > clock.today():
        errors["received_on"] = RECEIVED_ON
    if data.amount is None or data.amount <= 0 or data.amount != money(data.amount):
        errors["amount"] = AMOUNT
    if data.method not in METHODS:
        errors["method"] = METHOD
    if errors:
        raise ValidationFailed(errors)
    payment = Payment(
        account_id=data.account_id,
        received_on=data.received_on,
        amount=data.amount,
        method=data.method,
        reference=data.reference.strip()[:200],
        note=data.note.strip()[:4000],
        bank_line_id=bank_line_id,
        recorded_at=clock.now(),
        recorded_by=actor.name,
    )
    db.add(payment)
    await db.flush()
    audit.record(
        db,
        actor,
        entity="payment",
        entity_id=payment.id,
        action="payment_recorded",
        before=None,
        after=audit.snapshot(payment, AUDITED),
    )
    return payment


Locked = TypeVar("Locked", Payment, BankStatementLine)


async def locked(db: AsyncSession, model: type[Locked], row_id: int) -> Locked:
    """The payment or bank line ``row_id``, locked for the transaction and read afresh; NotFound if none."""
    row = await db.scalar(
        select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)
    )
    if row is None:
        raise NotFound()
    return row


async def _reversal_of(db: AsyncSession, payment_id: int) -> Payment | None:
    return await db.scalar(select(Payment).where(Payment.reverses_payment_id == payment_id))


async def _locked_invoices(
    db: AsyncSession, account_id: int, invoice_ids: list[int]
) -> dict[int, tuple[Invoice, Decimal]]:
    """The account's invoices among ``invoice_ids``, locked in id order, with their balances read after."""
    locked = await db.scalars(
        select(Invoice)
        .where(Invoice.id.in_(invoice_ids), Invoice.account_id == account_id)
        .order_by(Invoice.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    ids = [invoice.id for invoice in locked]
    rows = await db.execute(invoices_with_balances().where(Invoice.id.in_(ids)))  # after the locks
    return {invoice.id: (invoice, balance) for invoice, _paid, _credited, balance in rows.all()}


async def unapplied_of(db: AsyncSession, payment_id: int) -> Decimal:
    """What of one payment is not allocated to any invoice (its unapplied credit)."""
    amount = await db.scalar(select(unapplied_amount()).where(Payment.id == payment_id))
    return Decimal(amount if amount is not None else ZERO)


async def allocate(
    db: AsyncSession, actor: Actor, payment_id: int, wanted: dict[int, Decimal]
) -> list[PaymentAllocation]:
    """Apply ``wanted`` ({invoice id: amount}) of the payment to the account's invoices (核销).

    Raises NotFound for no such payment; ValidationFailed naming ``alloc_<invoice id>`` (not the
    account's invoice, not an amount, more than its balance) or ``allocations`` (nothing wanted,
    more than the payment's unapplied amount, a reversed payment); Forbidden for non-finance.
    """
    require_finance(actor)
    wanted = {k: v for k, v in wanted.items() if v}
    if not wanted:
        raise ValidationFailed({"allocations": NOTHING})
    payment = await locked(db, Payment, payment_id)
    if payment.reverses_payment_id is not None or await _reversal_of(db, payment.id) is not None:
        raise ValidationFailed({"allocations": SETTLED})
    invoices = await _locked_invoices(db, payment.account_id, sorted(wanted))
    errors: dict[str, str] = {}
    per_field: dict[str, dict[str, object]] = {}
    for invoice_id, amount in sorted(wanted.items()):
        name = f"{ALLOC_FIELD}{invoice_id}"
        if invoice_id not in invoices:
            errors[name] = NOT_OPEN
        elif amount < 0 or amount != money(amount):
            errors[name] = AMOUNT
        elif amount > (balance := invoices[invoice_id][1]):
            errors[name], per_field[name] = OVER_BALANCE, {"left": str(max(balance, ZERO))}
    if errors:
        raise ValidationFailed(errors, per_field=per_field)
    left = await unapplied_of(db, payment.id)
    if sum(wanted.values(), ZERO) > left:
        raise ValidationFailed({"allocations": OVER_PAYMENT}, params={"left": str(left)})
    rows = [
        PaymentAllocation(
            payment_id=payment.id,
            invoice_id=invoice_id,
            amount=amount,
            allocated_at=clock.now(),
            allocated_by=actor.name,
        )
        for invoice_id, amount in sorted(wanted.items())
    ]
    db.add_all(rows)
    await db.flush()
    applied = {invoices[r.invoice_id][0].number: r.amount for r in rows}
    audit.record(
        db,
        actor,
        entity="payment",
        entity_id=payment.id,
        action="payment_allocated",
        before={"unapplied": left},
        after={"allocations": applied, "unapplied": left - sum(applied.values(), ZERO)},
    )
    for row in rows:
        invoice, balance = invoices[row.invoice_id]
        await _announce(db, actor, payment, invoice, row.amount, balance_after=balance - row.amount)
    return rows


async def reverse_payment(db: AsyncSession, actor: Actor, payment_id: int, reason: str) -> Payment:
    """Reverse a wrong payment with a reversing entry (see the module docstring); returns the reversal.

    Raises NotFound; ValidationFailed (``reason``: missing, already reversed, itself a reversal);
    Forbidden for non-finance.
    """
    require_finance(actor, events.EventKind.PAYMENT_REVERSED)
    reason = (reason or "").strip()[:4000]
    if not reason:
        raise ValidationFailed({"reason": REASON})
    payment = await locked(db, Payment, payment_id)
    if payment.reverses_payment_id is not None:
        raise ValidationFailed({"reason": NOT_REVERSIBLE})
    if await _reversal_of(db, payment.id) is not None:
        raise ValidationFailed({"reason": REVERSED})
    applied = dict(
        (
            await db.execute(
                select(PaymentAllocation.invoice_id, func.sum(PaymentAllocation.amount))
                .where(PaymentAllocation.payment_id == payment.id)
                .group_by(PaymentAllocation.invoice_id)
                .having(func.sum(PaymentAllocation.amount) != 0)
            )
        ).all()
    )
    invoices = await _locked_invoices(db, payment.account_id, sorted(applied))
    reversal = Payment(
        account_id=payment.account_id,
        received_on=clock.today(),
        amount=-payment.amount,
        currency=payment.currency,
        method=payment.method,
        reference=payment.reference,
        reverses_payment_id=payment.id,
        note=reason,
        recorded_at=clock.now(),
        recorded_by=actor.name,
    )
    try:
        async with db.begin_nested():  # the same payment reversed at the same moment elsewhere
            db.add(reversal)
    except IntegrityError:
        raise ValidationFailed({"reason": REVERSED}) from None
    db.add_all(
        PaymentAllocation(
            payment_id=reversal.id,
            invoice_id=invoice_id,
            amount=-amount,
            allocated_at=clock.now(),
            allocated_by=actor.name,
        )
        for invoice_id, amount in sorted(applied.items())
    )
    await _release_bank_line(db, payment)
    await db.flush()
    undone = {invoices[i][0].number: -a for i, a in applied.items() if i in invoices}
    audit.record(
        db,
        actor,
        entity="payment",
        entity_id=payment.id,
        action="payment_reversed",
        before={"amount": payment.amount},
        after={"reversal": reversal.id, "reason": reason, "allocations": undone},
    )
    for invoice_id, amount in sorted(applied.items()):
        invoice, balance = invoices[invoice_id]
        await _announce(db, actor, reversal, invoice, -amount, balance_after=balance + amount)
    return reversal


async def _release_bank_line(db: AsyncSession, payment: Payment) -> None:
    """A reversed payment's bank line is unmatched again: the money came, only its match was wrong."""
    if payment.bank_line_id is None:
        return
    line = await db.scalar(
        select(BankStatementLine).where(BankStatementLine.id == payment.bank_line_id).with_for_update()
    )
    if line is not None:
        line.status, line.matched_at, line.matched_by = "unmatched", None, ""


async def _announce(
    db: AsyncSession,
    actor: Actor,
    payment: Payment,
    invoice: Invoice,
    amount: Decimal,
    *,
    balance_after: Decimal,
) -> None:
    """The payment (or reversal) on the invoice's order's timeline; the buyer's e-mail for a payment."""
    order = await db.get(Order, invoice.order_id)
    data = {
        "number": invoice.number,
        "invoice_id": invoice.id,
        "payment_id": payment.id,
        "amount": str(amount),
        "received_on": iso(payment.received_on),
        "method": payment.method,
    }
    if payment.reverses_payment_id is not None:
        events.record(db, order, actor, events.EventKind.PAYMENT_REVERSED, data=data)
        await db.flush()
        return
    event = events.record(db, order, actor, events.EventKind.PAYMENT_RECEIVED, data=data)
    await db.flush()
    extra = {
        **mail_context(invoice),
        "payment_amount": str(amount),
        "payment_received_on": iso(payment.received_on),
        "invoice_balance": str(max(balance_after, ZERO)),
    }
    await notify.send(db, order, "payment_received", "customer", event=event, extra=extra)
