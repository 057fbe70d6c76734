"""One ZIP archive per order: everything the order left on paper, for finance and for the buyer.

``order_archive(db, actor, number)`` reads what goes in, scoped like the order itself (another
account's order is NotFound); ``archive_zip(contents, locale=…, seller=…, delivery_note=…)`` writes
the ZIP in the reader's language::

    SO-2026-000001/confirmations/SO-2026-000001-v1.pdf   every version sent (with its signature record)
    SO-2026-000001/delivery-note.html                    the delivery note as printed (once packed)
    SO-2026-000001/invoices/INV-2026-000001.pdf
    SO-2026-000001/credit-notes/CN-2026-000001.pdf
    SO-2026-000001/payments.csv                          the payments allocated to its invoices
    SO-2026-000001/timeline.csv, timeline.json           the buyer's public timeline; staff read all

Everything a person reads is in the reader's language: the payment method and, in timeline.csv, the
role and the states (timeline.json keeps their codes, for programs).

The delivery note is rendered by the caller (it is a page template): ``delivery_note`` is its HTML,
or None to leave it out. CSV files are UTF-8 with a BOM (``exports.excel_csv``).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.roles import role_label
from portal.db.billing import CreditNote, Invoice, Payment, PaymentAllocation
from portal.db.orders import Confirmation
from portal.domain.billing import documents
from portal.domain.billing.credit_notes import readable_credit_notes
from portal.domain.billing.invoices import readable_invoices
from portal.domain.billing.payments import method_label
from portal.domain.billing.pdf import render_credit_note_pdf, render_invoice_pdf
from portal.domain.exports import excel_csv
from portal.domain.fulfilment import packing
from portal.domain.orders import confirmation_docs, timeline, views, wording
from portal.domain.orders.actors import Actor
from portal.domain.orders.confirmation_pdf import render_pdf as render_confirmation_pdf
from portal.domain.orders.wording import state_label
from portal.domain.pdf import Seller
from portal.i18n import gettext as _
from portal.i18n import using_locale

CUSTOMER_FIELDS = ("at", "text", "note")
STAFF_FIELDS = (*CUSTOMER_FIELDS, "actor", "role", "from_state", "to_state")


@dataclass(frozen=True)
class ArchivedPayment:
    received_on: date
    invoice_number: str
    amount: Decimal  # the part of the payment allocated to this order's invoice (negative: a reversal)
    method: str
    reference: str


@dataclass(frozen=True)
class ArchiveContents:
    number: str
    audience: str  # customer | staff: which timeline, which fields
    confirmations: list[Confirmation]
    print_documents: packing.PrintDocuments | None  # None while nothing is packed
    invoices: list[documents.InvoiceDocument]
    credit_notes: list[documents.CreditNoteDocument]
    payments: list[ArchivedPayment]
    timeline: list[timeline.TimelineEntry]


async def order_archive(db: AsyncSession, actor: Actor, number: str) -> ArchiveContents:
    """What the archive of order ``number`` holds, as ``actor`` may read it (NotFound otherwise)."""
    order, events = await views.order_detail(db, actor, number=number)
    printed = await packing.print_documents(db, actor, number)
    invoice_numbers = await db.scalars(
        readable_invoices(actor)
        .with_only_columns(Invoice.number)
        .where(Invoice.order_id == order.id)
        .order_by(Invoice.id)
    )
    note_numbers = await db.scalars(
        readable_credit_notes(actor)
        .with_only_columns(CreditNote.number)
        .where(CreditNote.order_id == order.id)
        .order_by(CreditNote.id)
    )
    payments = await db.execute(
        select(
            Payment.received_on, Invoice.number, PaymentAllocation.amount, Payment.method, Payment.reference
        )
        .join(Payment, Payment.id == PaymentAllocation.payment_id)
        .join(Invoice, Invoice.id == PaymentAllocation.invoice_id)
        .where(Invoice.order_id == order.id)
        .order_by(Payment.received_on, PaymentAllocation.id)
    )
    customer = actor.kind == "customer"
    return ArchiveContents(
        number=order.number,
        audience="customer" if customer else "staff",
        confirmations=await confirmation_docs.versions(db, order.id),
        print_documents=printed if printed.packages else None,
        invoices=[await documents.invoice_document(db, actor, n) for n in list(invoice_numbers)],
        credit_notes=[await documents.credit_note_document(db, actor, n) for n in list(note_numbers)],
        payments=[ArchivedPayment(*row) for row in payments],
        timeline=timeline.customer_timeline(events) if customer else timeline.staff_timeline(events),
    )


def _fields(audience: str) -> tuple[str, ...]:
    return CUSTOMER_FIELDS if audience == "customer" else STAFF_FIELDS


def _timeline_rows(contents: ArchiveContents) -> list[dict[str, Any]]:
    """The timeline for timeline.json: times ISO in UTC, the role and the states as codes, for programs."""
    return [
        {f: (getattr(e, f).isoformat() if f == "at" else getattr(e, f)) for f in _fields(contents.audience)}
        for e in contents.timeline
    ]


def _worded_rows(contents: ArchiveContents) -> list[list[Any]]:
    """The timeline for timeline.csv, for people: times in business time (``exports.cell``), the role
    and the states in the reader's words."""
    words = {"role": role_label, "from_state": _staff_state, "to_state": _staff_state}
    return [
        [words[f](v) if f in words and v else v for f in _fields(contents.audience) for v in (getattr(e, f),)]
        for e in contents.timeline
    ]


def _staff_state(state: str) -> str:
    return state_label(state, wording.STAFF)


def _timeline_heads(audience: str) -> list[str]:
    heads = [_("Time"), _("Event"), _("Note")]
    return heads if audience == "customer" else [*heads, _("By"), _("Role"), _("From state"), _("To state")]


def archive_zip(
    contents: ArchiveContents, *, locale: str, seller: Seller, delivery_note: str | None
) -> bytes:
    """The archive as ZIP bytes (see the module docstring), its documents in ``locale``."""
    base = contents.number
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z, using_locale(locale):
        for c in sorted(contents.confirmations, key=lambda c: c.version):
            pdf = render_confirmation_pdf(c, locale=locale, seller=seller)
            z.writestr(f"{base}/confirmations/{base}-v{c.version}.pdf", pdf)
        if delivery_note is not None:
            z.writestr(f"{base}/delivery-note.html", delivery_note)
        for invoice in contents.invoices:
            z.writestr(
                f"{base}/invoices/{invoice.number}.pdf",
                render_invoice_pdf(invoice, locale=locale, seller=seller),
            )
        for note in contents.credit_notes:
            z.writestr(
                f"{base}/credit-notes/{note.number}.pdf",
                render_credit_note_pdf(note, locale=locale, seller=seller),
            )
        heads = [_("Date received"), _("Invoice no."), _("Amount allocated"), _("Method"), _("Reference")]
        payments = [
            [p.received_on, p.invoice_number, p.amount, method_label(p.method), p.reference]
            for p in contents.payments
        ]
        z.writestr(f"{base}/payments.csv", excel_csv([heads, *payments]))
        timeline_csv = excel_csv([_timeline_heads(contents.audience), *_worded_rows(contents)])
        z.writestr(f"{base}/timeline.csv", timeline_csv)
        z.writestr(
            f"{base}/timeline.json", json.dumps(_timeline_rows(contents), ensure_ascii=False, indent=2)
        )
    return buffer.getvalue()
