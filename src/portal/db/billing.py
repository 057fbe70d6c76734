"""Settlement (结算): invoices, credit notes, payments and their allocation, bank statement lines, reminders.

Money is ``Numeric(14, 2)`` in the order's currency (CNY). Issued documents (invoices, credit notes)
never change: their lines and totals are written once. What moves is *settlement*: payments are
allocated to invoices (核销), credit notes reduce an invoice's balance, and a wrong payment is
reversed by a reversing entry (a negative payment pointing at it), never deleted.

An invoice's balance = total − allocated payments − credit notes against it; its status
(open, partly paid, paid, overdue, credited) is derived from those sums and the due date
(``portal.domain.billing``), not stored.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from portal import clock
from portal.db.base import Base, IdMixin, owned_by, quantity_positive


class DocumentCounter(Base):
    """Last number handed out per series (``INV``, ``CN``, ``AS``, ``RMA``…) and year, under a row lock.

    The increment happens in the transaction that issues the document: a rollback returns the
    number, and concurrent issuers queue on the row, so numbers have neither gaps nor duplicates.
    """

    __tablename__ = "document_counters"

    series: Mapped[str] = mapped_column(String(10), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer)


class Invoice(IdMixin, Base):
    """发票: one per shipment when it leaves, or one at confirmation for prepaid terms."""

    __tablename__ = "invoices"
    __table_args__ = (
        Index("ix_invoices_account_issued", "account_id", "issued_on", "id"),
        Index("ix_invoices_due_on", "due_on"),
        # one invoice per shipment, and one prepayment invoice per order: a retried issue is a no-op
        Index("uq_invoices_shipment", "shipment_id", unique=True, postgresql_where="shipment_id IS NOT NULL"),
        Index("uq_invoices_prepaid_order", "order_id", unique=True, postgresql_where="kind = 'prepayment'"),
        CheckConstraint("total >= 0", name="total_not_negative"),
    )

    number: Mapped[str] = mapped_column(String(20), unique=True)  # INV-2026-000001
    kind: Mapped[str] = mapped_column(String(12), default="shipment")  # shipment | prepayment
    order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("orders.id"), index=True)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("customer_accounts.id"))
    shipment_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("shipments.id"), default=None)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    issued_at: Mapped[datetime] = mapped_column(default=clock.now)
    issued_on: Mapped[date] = mapped_column()  # the Shanghai business day of issue
    due_on: Mapped[date] = mapped_column()
    payment_terms: Mapped[str] = mapped_column(String(20))  # prepaid | net
    payment_days: Mapped[int] = mapped_column(Integer, default=0)
    invoice_title: Mapped[str] = mapped_column(String(200), default="")
    tax_id: Mapped[str] = mapped_column(String(40), default="")
    buyer_address: Mapped[dict[str, Any] | None] = mapped_column(JSONB, default=None)
    subtotal: Mapped[Decimal] = mapped_column()  # lines, before tax
    shipping_fee: Mapped[Decimal] = mapped_column(default=Decimal("0"))
    tax_rate: Mapped[Decimal] = mapped_column(default=Decimal("0.13"))
    tax_amount: Mapped[Decimal] = mapped_column()
    total: Mapped[Decimal] = mapped_column()  # subtotal + shipping fee + tax
    issued_by: Mapped[str] = mapped_column(String(120), default="")  # "system" when automatic


class InvoiceLine(IdMixin, Base):
    __tablename__ = "invoice_lines"
    __table_args__ = (quantity_positive(),)

    invoice_id: Mapped[int] = owned_by("invoices")
    order_line_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("order_lines.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    sku: Mapped[str] = mapped_column(String(40))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20), default="pcs")
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column()  # the order line's snapshotted price, before tax
    line_total: Mapped[Decimal] = mapped_column()


class FapiaoNumber(IdMixin, Base):
    """An official fapiao (专票/普票/数电发票) issued in the tax system for an invoice, recorded by finance."""

    __tablename__ = "fapiao_numbers"
    __table_args__ = (UniqueConstraint("fapiao_number", name="uq_fapiao_numbers_fapiao_number"),)

    invoice_id: Mapped[int] = owned_by("invoices")
    fapiao_number: Mapped[str] = mapped_column(String(40))
    fapiao_type: Mapped[str] = mapped_column(String(12), default="digital")  # special | ordinary | digital
    issued_on: Mapped[date | None] = mapped_column(default=None)
    recorded_at: Mapped[datetime] = mapped_column(default=clock.now)
    recorded_by: Mapped[str] = mapped_column(String(120), default="")


class CreditNote(IdMixin, Base):
    """贷项通知单 against one invoice, partly or wholly, with a reason; it reduces the invoice's balance."""

    __tablename__ = "credit_notes"
    __table_args__ = (CheckConstraint("total > 0", name="total_positive"),)

    number: Mapped[str] = mapped_column(String(20), unique=True)  # CN-2026-000001
    invoice_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("invoices.id"), index=True)
    order_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("orders.id"), index=True)
    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("customer_accounts.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(20), default="manual")  # manual | return
    source_ref: Mapped[str] = mapped_column(String(40), default="")  # e.g. an RMA number
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    issued_at: Mapped[datetime] = mapped_column(default=clock.now)
    issued_on: Mapped[date] = mapped_column()
    subtotal: Mapped[Decimal] = mapped_column()
    tax_rate: Mapped[Decimal] = mapped_column(default=Decimal("0.13"))
    tax_amount: Mapped[Decimal] = mapped_column()
    total: Mapped[Decimal] = mapped_column()
    issued_by: Mapped[str] = mapped_column(String(120), default="")


class CreditNoteLine(IdMixin, Base):
    """A credited quantity of one invoice line (absent for a credit of an amount, e.g. a price allowance)."""

    __tablename__ = "credit_note_lines"
    __table_args__ = (quantity_positive(),)

    credit_note_id: Mapped[int] = owned_by("credit_notes")
    invoice_line_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("invoice_lines.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column()
    line_total: Mapped[Decimal] = mapped_column()


class Payment(IdMixin, Base):
    """收款: money received from an account. A reversal is a payment of the opposite amount pointing at it."""

    __tablename__ = "payments"
    __table_args__ = (
        Index("ix_payments_account_received", "account_id", "received_on", "id"),
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        # a payment is reversed at most once
        Index(
            "uq_payments_reverses",
            "reverses_payment_id",
            unique=True,
            postgresql_where="reverses_payment_id IS NOT NULL",
        ),
    )

    account_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("customer_accounts.id"))
    received_on: Mapped[date] = mapped_column()
    amount: Mapped[Decimal] = mapped_column()
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    method: Mapped[str] = mapped_column(String(20))  # bank_transfer | cash | cheque | acceptance_bill | other
    reference: Mapped[str] = mapped_column(String(200), default="")
    bank_line_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("bank_statement_lines.id"), default=None, index=True
    )
    reverses_payment_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("payments.id"), default=None
    )
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(default=clock.now)
    recorded_by: Mapped[str] = mapped_column(String(120), default="")


class PaymentAllocation(IdMixin, Base):
    """核销: part of a payment applied to an invoice. A payment's unapplied credit is its amount minus these."""

    __tablename__ = "payment_allocations"
    __table_args__ = (CheckConstraint("amount <> 0", name="amount_not_zero"),)

    payment_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("payments.id"), index=True)
    invoice_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("invoices.id"), index=True)
    amount: Mapped[Decimal] = mapped_column()  # negative on a reversal's allocations
    allocated_at: Mapped[datetime] = mapped_column(default=clock.now)
    allocated_by: Mapped[str] = mapped_column(String(120), default="")


class BankProfile(IdMixin, Base):
    """How one bank's CSV export reads: delimiter, which column is what, date and amount forms."""

    __tablename__ = "bank_profiles"

    name: Mapped[str] = mapped_column(String(120), unique=True)
    # {"date": "交易日期", "amount": "...", "credit": "...", "debit": "...", "payer": "...", "reference": "...",
    #  "delimiter": ",", "skip_rows": 0}
    mapping: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)
    updated_by: Mapped[str] = mapped_column(String(120), default="")


class BankStatementImport(IdMixin, Base):
    __tablename__ = "bank_statement_imports"

    profile_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("bank_profiles.id"), default=None)
    filename: Mapped[str] = mapped_column(String(200), default="")
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    encoding: Mapped[str] = mapped_column(String(20), default="")
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(Integer, default=0)  # lines already known from earlier files
    imported_at: Mapped[datetime] = mapped_column(default=clock.now)
    imported_by: Mapped[str] = mapped_column(String(120), default="")


class BankStatementLine(IdMixin, Base):
    """One incoming credit of a bank statement, known once however often its file is imported."""

    __tablename__ = "bank_statement_lines"
    __table_args__ = (
        # booking date + amount + payer + reference + the how-many-th identical line of that day:
        # importing the same or an overlapping file again adds nothing
        UniqueConstraint("fingerprint", name="uq_bank_statement_lines_fingerprint"),
        Index("ix_bank_statement_lines_status", "status"),
    )

    import_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("bank_statement_imports.id"), index=True)
    booked_on: Mapped[date] = mapped_column()
    amount: Mapped[Decimal] = mapped_column()
    payer_name: Mapped[str] = mapped_column(String(200), default="")
    payer_account: Mapped[str] = mapped_column(String(60), default="")
    reference: Mapped[str] = mapped_column(String(300), default="")
    fingerprint: Mapped[str] = mapped_column(String(64))
    raw: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="unmatched")  # unmatched | matched | ignored
    proposed_invoice_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("invoices.id"), default=None
    )
    match_rule: Mapped[str] = mapped_column(String(20), default="")  # reference | amount_and_name | ""
    matched_at: Mapped[datetime | None] = mapped_column(default=None)
    matched_by: Mapped[str] = mapped_column(String(120), default="")


class InvoiceReminder(IdMixin, Base):
    """One row per invoice and reminder kind: the unique constraint makes a second send impossible."""

    __tablename__ = "invoice_reminders"
    __table_args__ = (UniqueConstraint("invoice_id", "kind", name="uq_invoice_reminders_invoice_kind"),)

    invoice_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("invoices.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))  # due_in_3 | overdue_1 | overdue_7
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=clock.now)
    outbox_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
