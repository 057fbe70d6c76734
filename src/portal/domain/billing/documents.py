"""One invoice or credit note as printed, read in a fixed number of statements and scoped by the actor.

``invoice_document`` also carries what settled it so far: the payments allocated to it, the credit
notes against it (and per line the units already credited) and the official fapiao numbers. A
customer reads only their own account's documents: another account's is NotFound (404).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.billing import (
    CreditNote,
    CreditNoteLine,
    FapiaoNumber,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentAllocation,
)
from portal.db.customers import CustomerAccount
from portal.db.orders import Order
from portal.domain.billing.balances import credited_amount, paid_amount, status_of
from portal.domain.billing.credit_notes import readable_credit_notes
from portal.domain.billing.invoices import readable_invoices
from portal.domain.errors import NotFound
from portal.domain.orders.actors import Actor


@dataclass(frozen=True)
class DocumentLine:
    id: int
    position: int
    sku: str
    name_zh: str
    name_en: str
    unit: str
    quantity: int
    unit_price: Decimal
    line_total: Decimal
    credited_units: int = 0  # invoices: the units of this line already credited


@dataclass(frozen=True)
class CreditNoteRow:
    number: str
    issued_on: date
    total: Decimal
    reason: str
    source: str
    source_ref: str
    issued_by: str


@dataclass(frozen=True)
class PaymentRow:
    received_on: date
    amount: Decimal  # the part of the payment allocated to this invoice
    method: str
    reference: str


@dataclass(frozen=True)
class FapiaoRow:
    fapiao_number: str
    fapiao_type: str
    issued_on: date | None
    recorded_by: str


@dataclass(frozen=True)
class Buyer:
    """The buyer block of a document: the account, and the invoice details taken from the order."""

    account_name: str
    invoice_title: str
    tax_id: str
    address: dict[str, Any] | None


@dataclass(frozen=True)
class InvoiceDocument:
    number: str
    kind: str
    order_number: str
    buyer: Buyer
    currency: str
    issued_on: date
    due_on: date
    payment_terms: str
    payment_days: int
    subtotal: Decimal
    shipping_fee: Decimal
    tax_rate: Decimal
    tax_amount: Decimal
    total: Decimal
    paid: Decimal
    credited: Decimal
    status: str
    lines: list[DocumentLine]
    credit_notes: list[CreditNoteRow] = field(default_factory=list)
    payments: list[PaymentRow] = field(default_factory=list)
    fapiao: list[FapiaoRow] = field(default_factory=list)

    @property
    def balance(self) -> Decimal:
        return self.total - self.paid - self.credited

    @property
    def creditable(self) -> Decimal:
        """What credit notes may still take: the total minus those already issued."""
        return self.total - self.credited


def _buyer(invoice: Invoice, account_name: str) -> Buyer:
    return Buyer(account_name, invoice.invoice_title, invoice.tax_id, invoice.buyer_address)


def _copied(row: object, shape: type) -> dict[str, Any]:
    """The fields of the dataclass ``shape`` that the ORM row has under the same names."""
    return {f: getattr(row, f) for f in shape.__dataclass_fields__ if hasattr(type(row), f)}


def _columns(model: type, shape: type, **others: Any) -> list[Any]:
    """The columns that fill ``shape`` in field order: ``model``'s of the same name, else ``others``."""
    return [others[f] if f in others else getattr(model, f) for f in shape.__dataclass_fields__]


async def _all(db: AsyncSession, shape: type, stmt: Select) -> list[Any]:
    return [shape(*r) for r in (await db.execute(stmt)).all()]


def _number(number: str) -> str:
    """A document number as typed in a URL; one no document can have is not found."""
    if not number.isascii() or len(number) > 40:
        raise NotFound()
    return number


async def invoice_document(db: AsyncSession, actor: Actor, number: str) -> InvoiceDocument:
    """The invoice numbered ``number`` as printed, with its settlement so far (five statements)."""
    stmt = (
        readable_invoices(actor)
        .add_columns(Order.number, CustomerAccount.name, paid_amount(), credited_amount())
        .join(Order, Order.id == Invoice.order_id)
        .join(CustomerAccount, CustomerAccount.id == Invoice.account_id)
        .where(Invoice.number == _number(number))
    )
    found = (await db.execute(stmt)).first()
    if found is None:
        raise NotFound()
    invoice, order_number, account_name, paid, credited = found
    credited_units = (
        select(func.coalesce(func.sum(CreditNoteLine.quantity), 0))
        .where(CreditNoteLine.invoice_line_id == InvoiceLine.id)
        .correlate(InvoiceLine)
        .scalar_subquery()
    )
    # what the document lists, each in one statement: field -> (row shape, query)
    listed = {
        "lines": (
            DocumentLine,
            select(*_columns(InvoiceLine, DocumentLine, credited_units=credited_units))
            .where(InvoiceLine.invoice_id == invoice.id)
            .order_by(InvoiceLine.position, InvoiceLine.id),
        ),
        "credit_notes": (
            CreditNoteRow,
            select(*_columns(CreditNote, CreditNoteRow))
            .where(CreditNote.invoice_id == invoice.id)
            .order_by(CreditNote.id),
        ),
        "payments": (
            PaymentRow,
            select(*_columns(Payment, PaymentRow, amount=PaymentAllocation.amount))
            .join(Payment, Payment.id == PaymentAllocation.payment_id)
            .where(PaymentAllocation.invoice_id == invoice.id)
            .order_by(Payment.received_on, PaymentAllocation.id),
        ),
        "fapiao": (
            FapiaoRow,
            select(*_columns(FapiaoNumber, FapiaoRow))
            .where(FapiaoNumber.invoice_id == invoice.id)
            .order_by(FapiaoNumber.id),
        ),
    }
    return InvoiceDocument(
        **_copied(invoice, InvoiceDocument),
        order_number=order_number,
        buyer=_buyer(invoice, account_name),
        paid=paid,
        credited=credited,
        status=status_of(invoice.total, paid, credited, invoice.due_on, clock.today()).value,
        **{name: await _all(db, shape, stmt) for name, (shape, stmt) in listed.items()},
    )


@dataclass(frozen=True)
class CreditNoteDocument:
    number: str
    invoice_number: str
    order_number: str
    buyer: Buyer
    currency: str
    issued_on: date
    reason: str
    source: str
    source_ref: str
    subtotal: Decimal
    tax_rate: Decimal
    tax_amount: Decimal
    total: Decimal
    lines: list[DocumentLine]


async def credit_note_document(db: AsyncSession, actor: Actor, number: str) -> CreditNoteDocument:
    """The credit note numbered ``number`` as printed, with the invoice lines it credits (two statements)."""
    stmt = (
        readable_credit_notes(actor)
        .add_columns(Invoice, Order.number, CustomerAccount.name)
        .join(Invoice, Invoice.id == CreditNote.invoice_id)
        .join(Order, Order.id == CreditNote.order_id)
        .join(CustomerAccount, CustomerAccount.id == CreditNote.account_id)
        .where(CreditNote.number == _number(number))
    )
    found = (await db.execute(stmt)).first()
    if found is None:
        raise NotFound()
    note, invoice, order_number, account_name = found
    credited = {f: getattr(CreditNoteLine, f) for f in ("id", "quantity", "unit_price", "line_total")}
    lines = (
        select(*_columns(InvoiceLine, DocumentLine, credited_units=literal(0), **credited))
        .join(InvoiceLine, InvoiceLine.id == CreditNoteLine.invoice_line_id)
        .where(CreditNoteLine.credit_note_id == note.id)
        .order_by(InvoiceLine.position, CreditNoteLine.id)
    )
    return CreditNoteDocument(
        **_copied(note, CreditNoteDocument),
        invoice_number=invoice.number,
        order_number=order_number,
        buyer=_buyer(invoice, account_name),
        lines=await _all(db, DocumentLine, lines),
    )
