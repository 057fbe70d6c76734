"""settlement: document counters, invoices, credit notes, fapiao numbers, payments, allocations, bank statements, reminders

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 01:04:48.528104
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from portal.db.migrations import ddl

revision = "0009"
down_revision = "0008"

# the indexes of one column each (ix_<table>_<column>), by table, in the order they are created
INDEXED = {
    "bank_statement_imports": ["sha256"],
    "bank_statement_lines": ["import_id"],
    "credit_notes": ["account_id", "invoice_id", "order_id"],
    "fapiao_numbers": ["invoice_id"],
    "invoice_lines": ["invoice_id", "order_line_id"],
    "credit_note_lines": ["credit_note_id", "invoice_line_id"],
    "payment_allocations": ["invoice_id", "payment_id"],
}


def upgrade() -> None:
    ddl.create_table(
        "bank_profiles",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("mapping", ddl.JSONB, nullable=False),
        *ddl.done("updated"),
        ddl.id_column(),
        ddl.unique("bank_profiles", "name"),
    )
    ddl.create_table(
        "document_counters",
        sa.Column("series", sa.String(length=10), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        key=["series", "year"],
    )
    ddl.create_table(
        "bank_statement_imports",
        sa.Column("profile_id", sa.BigInteger(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("encoding", sa.String(length=20), nullable=False),
        sa.Column("line_count", sa.Integer(), nullable=False),
        sa.Column("duplicate_count", sa.Integer(), nullable=False),
        *ddl.done("imported"),
        ddl.id_column(),
        ddl.foreign_key("bank_statement_imports", "profile_id", "bank_profiles"),
        indexed=INDEXED["bank_statement_imports"],
    )
    _create_document(
        "invoices",
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("shipment_id", sa.BigInteger(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("issued_at", ddl.TS, nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        *ddl.payment_terms(),
        sa.Column("invoice_title", sa.String(length=200), nullable=False),
        sa.Column("tax_id", sa.String(length=40), nullable=False),
        sa.Column("buyer_address", ddl.JSONB, nullable=True),
        *ddl.money("subtotal", "shipping_fee", "tax_rate", "tax_amount", "total"),
        total=("total_not_negative", "total >= 0"),
        refs=[("account_id", "customer_accounts"), ("order_id", "orders"), ("shipment_id", "shipments")],
    )
    op.create_index("ix_invoices_account_issued", "invoices", ["account_id", "issued_on", "id"], unique=False)
    op.create_index("ix_invoices_due_on", "invoices", ["due_on"], unique=False)
    op.create_index(op.f("ix_invoices_order_id"), "invoices", ["order_id"], unique=False)
    for name, column, where in _INVOICE_PARTIAL_UNIQUES:
        op.create_index(name, "invoices", [column], unique=True, postgresql_where=where)
    ddl.create_table(
        "bank_statement_lines",
        sa.Column("import_id", sa.BigInteger(), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        *ddl.money("amount"),
        sa.Column("payer_name", sa.String(length=200), nullable=False),
        sa.Column("payer_account", sa.String(length=60), nullable=False),
        sa.Column("reference", sa.String(length=300), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("raw", ddl.JSONB, nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("proposed_invoice_id", sa.BigInteger(), nullable=True),
        sa.Column("match_rule", sa.String(length=20), nullable=False),
        sa.Column("matched_at", ddl.TS, nullable=True),
        sa.Column("matched_by", sa.String(length=120), nullable=False),
        ddl.id_column(),
        *ddl.foreign_keys(
            "bank_statement_lines",
            ("import_id", "bank_statement_imports"),
            ("proposed_invoice_id", "invoices"),
        ),
        sa.UniqueConstraint("fingerprint", name="uq_bank_statement_lines_fingerprint"),
        indexed=INDEXED["bank_statement_lines"],
    )
    op.create_index("ix_bank_statement_lines_status", "bank_statement_lines", ["status"], unique=False)
    _create_document(
        "credit_notes",
        sa.Column("invoice_id", sa.BigInteger(), nullable=False),
        sa.Column("order_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_ref", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("issued_at", ddl.TS, nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        *ddl.money("subtotal", "tax_rate", "tax_amount", "total"),
        total=("total_positive", "total > 0"),
        refs=[("account_id", "customer_accounts"), ("invoice_id", "invoices"), ("order_id", "orders")],
        indexed=INDEXED["credit_notes"],
    )
    ddl.create_table(
        "fapiao_numbers",
        sa.Column("invoice_id", sa.BigInteger(), nullable=False),
        sa.Column("fapiao_number", sa.String(length=40), nullable=False),
        sa.Column("fapiao_type", sa.String(length=12), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=True),
        *ddl.done("recorded"),
        ddl.id_column(),
        ddl.foreign_key("fapiao_numbers", "invoice_id", "invoices", "CASCADE"),
        sa.UniqueConstraint("fapiao_number", name="uq_fapiao_numbers_fapiao_number"),
        indexed=INDEXED["fapiao_numbers"],
    )
    ddl.create_table(
        "invoice_lines",
        sa.Column("invoice_id", sa.BigInteger(), nullable=False),
        sa.Column("order_line_id", sa.BigInteger(), nullable=False),
        *ddl.product_snapshot(),
        sa.Column("unit", sa.String(length=20), nullable=False),
        *_quantity_line(
            "invoice_lines", ("invoice_id", "invoices", "CASCADE"), ("order_line_id", "order_lines")
        ),
        indexed=INDEXED["invoice_lines"],
    )
    ddl.create_table(
        "invoice_reminders",
        sa.Column("invoice_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        ddl.created_at(),
        sa.Column("outbox_id", sa.BigInteger(), nullable=True),
        ddl.id_column(),
        ddl.foreign_key("invoice_reminders", "invoice_id", "invoices", "CASCADE"),
        sa.UniqueConstraint("invoice_id", "kind", name="uq_invoice_reminders_invoice_kind"),
    )
    ddl.create_table(
        "credit_note_lines",
        sa.Column("credit_note_id", sa.BigInteger(), nullable=False),
        sa.Column("invoice_line_id", sa.BigInteger(), nullable=False),
        *_quantity_line(
            "credit_note_lines",
            ("credit_note_id", "credit_notes", "CASCADE"),
            ("invoice_line_id", "invoice_lines"),
        ),
        indexed=INDEXED["credit_note_lines"],
    )
    ddl.create_table(
        "payments",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        *ddl.money("amount"),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("bank_line_id", sa.BigInteger(), nullable=True),
        sa.Column("reverses_payment_id", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        *ddl.done("recorded"),
        ddl.id_column(),
        ddl.check("payments", "amount_not_zero", "amount <> 0"),
        *ddl.foreign_keys(
            "payments",
            ("account_id", "customer_accounts"),
            ("bank_line_id", "bank_statement_lines"),
            ("reverses_payment_id", "payments"),
        ),
    )
    op.create_index(
        "ix_payments_account_received", "payments", ["account_id", "received_on", "id"], unique=False
    )
    op.create_index(op.f("ix_payments_bank_line_id"), "payments", ["bank_line_id"], unique=False)
    op.create_index(
        "uq_payments_reverses",
        "payments",
        ["reverses_payment_id"],
        unique=True,
        postgresql_where="reverses_payment_id IS NOT NULL",
    )
    ddl.create_table(
        "payment_allocations",
        sa.Column("payment_id", sa.BigInteger(), nullable=False),
        sa.Column("invoice_id", sa.BigInteger(), nullable=False),
        *ddl.money("amount"),
        *ddl.done("allocated"),
        ddl.id_column(),
        ddl.check("payment_allocations", "amount_not_zero", "amount <> 0"),
        *ddl.foreign_keys("payment_allocations", ("invoice_id", "invoices"), ("payment_id", "payments")),
        indexed=INDEXED["payment_allocations"],
    )


# invoices: one prepayment invoice per order, one invoice per shipment
_INVOICE_PARTIAL_UNIQUES = (
    ("uq_invoices_prepaid_order", "order_id", "kind = 'prepayment'"),
    ("uq_invoices_shipment", "shipment_id", "shipment_id IS NOT NULL"),
)


def _create_document(
    name: str,
    *columns: sa.Column,
    total: tuple[str, str],
    refs: Sequence[tuple[str, ...]],
    indexed: Sequence[str] = (),
) -> None:
    """An issued document's table (invoices, credit notes): its unique ``number`` first, ``columns``, who
    issued it and ``id``; ``total`` is the CHECK on its total as (name, condition), ``refs`` its foreign keys."""
    ddl.create_table(
        name,
        sa.Column("number", sa.String(length=20), nullable=False),
        *columns,
        sa.Column("issued_by", sa.String(length=120), nullable=False),
        ddl.id_column(),
        ddl.check(name, *total),
        *ddl.foreign_keys(name, *refs),
        ddl.unique(name, "number"),
        indexed=indexed,
    )


def _quantity_line(table: str, *refs: tuple[str, ...]) -> list[sa.schema.SchemaItem]:
    """The tail of a document line: quantity (> 0), unit price, line total, id, its foreign keys."""
    return [
        sa.Column("quantity", sa.Integer(), nullable=False),
        *ddl.money("unit_price", "line_total"),
        ddl.id_column(),
        ddl.check(table, "quantity_positive", "quantity > 0"),
        *ddl.foreign_keys(table, *refs),
    ]


def downgrade() -> None:
    ddl.drop_table("payment_allocations", INDEXED["payment_allocations"])
    op.drop_index(
        "uq_payments_reverses", table_name="payments", postgresql_where="reverses_payment_id IS NOT NULL"
    )
    op.drop_index(op.f("ix_payments_bank_line_id"), table_name="payments")
    op.drop_index("ix_payments_account_received", table_name="payments")
    op.drop_table("payments")
    ddl.drop_table("credit_note_lines", INDEXED["credit_note_lines"])
    op.drop_table("invoice_reminders")
    for table in ("invoice_lines", "fapiao_numbers", "credit_notes"):
        ddl.drop_table(table, INDEXED[table])
    op.drop_index("ix_bank_statement_lines_status", table_name="bank_statement_lines")
    ddl.drop_table("bank_statement_lines", INDEXED["bank_statement_lines"])
    for name, _, where in reversed(_INVOICE_PARTIAL_UNIQUES):
        op.drop_index(name, table_name="invoices", postgresql_where=where)
    op.drop_index(op.f("ix_invoices_order_id"), table_name="invoices")
    op.drop_index("ix_invoices_due_on", table_name="invoices")
    op.drop_index("ix_invoices_account_issued", table_name="invoices")
    op.drop_table("invoices")
    ddl.drop_table("bank_statement_imports", INDEXED["bank_statement_imports"])
    op.drop_table("document_counters")
    op.drop_table("bank_profiles")
