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

from sqlalchemy import func, select
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


async def invoice_document(db: AsyncSession, actor: Actor, number: str) -> InvoiceDocument:
    """The invoice numbered ``number`` as printed, with its settlement so far (five statements)."""
    if not number.isascii() or len(number) > 40:
        raise NotFound()
    stmt = (
        readable_invoices(actor)
        .add_columns(Order.number, CustomerAccount.name, paid_amount(), credited_amount())
        .join(Order, Order.id == Invoice.order_id)
        .join(CustomerAccount, CustomerAccount.id == Invoice.account_id)
        .where(Invoice.number == number)
    )
    found = (await db.execute(stmt)).first()
    if found is None:
        raise NotFound()
    invoice, order_number, account_name, paid, credited = found
    return InvoiceDocument(
        number=invoice.number,
        kind=invoice.kind,
        order_number=order_number,
        buyer=_buyer(invoice, account_name),
        currency=invoice.currency,
        issued_on=invoice.issued_on,
        due_on=invoice.due_on,
        payment_terms=invoice.payment_terms,
        payment_days=invoice.payment_days,
        subtotal=invoice.subtotal,
        shipping_fee=invoice.shipping_fee,
        tax_rate=invoice.tax_rate,
        tax_amount=invoice.tax_amount,
        total=invoice.total,
        paid=paid,
        credited=credited,
        status=_status(invoice, paid, credited),
        lines=await _invoice_lines(db, invoice.id),
        credit_notes=await _credit_notes(db, invoice.id),
        payments=await _payments(db, invoice.id),
        fapiao=await _fapiao(db, invoice.id),
    )


def _status(invoice: Invoice, paid: Decimal, credited: Decimal) -> str:
    return status_of(invoice.total, paid, credited, invoice.due_on, clock.today()).value


async def _invoice_lines(db: AsyncSession, invoice_id: int) -> list[DocumentLine]:
    summed = (
        select(func.coalesce(func.sum(CreditNoteLine.quantity), 0))
        .where(CreditNoteLine.invoice_line_id == InvoiceLine.id)
        .correlate(InvoiceLine)
        .scalar_subquery()
    )
    rows = await db.execute(
        select(
            InvoiceLine.id,
            InvoiceLine.position,
            InvoiceLine.sku,
            InvoiceLine.name_zh,
            InvoiceLine.name_en,
            InvoiceLine.unit,
            InvoiceLine.quantity,
            InvoiceLine.unit_price,
            InvoiceLine.line_total,
            summed,
        )
        .where(InvoiceLine.invoice_id == invoice_id)
        .order_by(InvoiceLine.position, InvoiceLine.id)
    )
    return [DocumentLine(*r) for r in rows.all()]


async def _credit_notes(db: AsyncSession, invoice_id: int) -> list[CreditNoteRow]:
    rows = await db.execute(
        select(
            CreditNote.number,
            CreditNote.issued_on,
            CreditNote.total,
            CreditNote.reason,
            CreditNote.source,
            CreditNote.source_ref,
            CreditNote.issued_by,
        )
        .where(CreditNote.invoice_id == invoice_id)
        .order_by(CreditNote.id)
    )
    return [CreditNoteRow(*r) for r in rows.all()]


async def _payments(db: AsyncSession, invoice_id: int) -> list[PaymentRow]:
    rows = await db.execute(
        select(Payment.received_on, PaymentAllocation.amount, Payment.method, Payment.reference)
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .where(PaymentAllocation.invoice_id == invoice_id)
        .order_by(Payment.received_on, PaymentAllocation.id)
    )
    return [PaymentRow(*r) for r in rows.all()]


async def _fapiao(db: AsyncSession, invoice_id: int) -> list[FapiaoRow]:
    rows = await db.execute(
        select(
            FapiaoNumber.fapiao_number,
            FapiaoNumber.fapiao_type,
            FapiaoNumber.issued_on,
            FapiaoNumber.recorded_by,
        )
        .where(FapiaoNumber.invoice_id == invoice_id)
        .order_by(FapiaoNumber.id)
    )
    return [FapiaoRow(*r) for r in rows.all()]


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
    if not number.isascii() or len(number) > 40:
        raise NotFound()
    stmt = (
        readable_credit_notes(actor)
        .add_columns(Invoice, Order.number, CustomerAccount.name)
        .join(Invoice, Invoice.id == CreditNote.invoice_id)
        .join(Order, Order.id == CreditNote.order_id)
        .join(CustomerAccount, CustomerAccount.id == CreditNote.account_id)
        .where(CreditNote.number == number)
    )
    found = (await db.execute(stmt)).first()
    if found is None:
        raise NotFound()
    note, invoice, order_number, account_name = found
    rows = await db.execute(
        select(
            CreditNoteLine.id,
            InvoiceLine.position,
            InvoiceLine.sku,
            InvoiceLine.name_zh,
            InvoiceLine.name_en,
            InvoiceLine.unit,
            CreditNoteLine.quantity,
            CreditNoteLine.unit_price,
            CreditNoteLine.line_total,
        )
        .join(InvoiceLine, InvoiceLine.id == CreditNoteLine.invoice_line_id)
        .where(CreditNoteLine.credit_note_id == note.id)
        .order_by(InvoiceLine.position, CreditNoteLine.id)
    )
    return CreditNoteDocument(
        number=note.number,
        invoice_number=invoice.number,
        order_number=order_number,
        buyer=_buyer(invoice, account_name),
        currency=note.currency,
        issued_on=note.issued_on,
        reason=note.reason,
        source=note.source,
        source_ref=note.source_ref,
        subtotal=note.subtotal,
        tax_rate=note.tax_rate,
        tax_amount=note.tax_amount,
        total=note.total,
        lines=[DocumentLine(*r) for r in rows.all()],
    )
