"""Invoices and credit notes as PDF documents, in the reader's language, laid out like the order confirmation.

Both take the documents ``billing.documents`` reads and the ``Seller`` of the settings (SELLER_*,
with SELLER_BANK_NAME and SELLER_BANK_ACCOUNT for the payment instructions). What a document says
is fixed when it is issued; what has been paid or credited since is on the invoice page, not here.
"""

from __future__ import annotations

from decimal import Decimal

from fpdf import FPDF

from portal.domain.billing.documents import Buyer, CreditNoteDocument, DocumentLine, InvoiceDocument
from portal.domain.billing.invoices import fapiao_type_label
from portal.domain.catalog.units import unit_label
from portal.domain.pdf import (
    MUTED,
    Columns,
    LineRow,
    Seller,
    address_text,
    heading,
    letterhead,
    lines_table,
    pairs,
    paragraph,
    start,
    totals,
)
from portal.formatting import day, money, number
from portal.i18n import gettext as _
from portal.i18n import using_locale

LINE_WIDTHS = (7, 26, 55, 18, 14, 27, 33)  # #, SKU, product, quantity, unit, unit price, amount (mm)


def _buyer(pdf: FPDF, buyer: Buyer) -> None:
    heading(pdf, _("Buyer"))
    rows = [
        (_("Customer"), buyer.account_name),
        (_("Invoice title"), buyer.invoice_title),
        (_("Tax ID"), buyer.tax_id),
    ]
    if buyer.address:
        rows.append((_("Address"), address_text(buyer.address)))
    pairs(pdf, rows)


def _lines(pdf: FPDF, title: str, lines: list[DocumentLine], locale: str, currency: str) -> None:
    heads = ("#", _("SKU"), _("Product"), _("Quantity"), _("Unit"), _("Unit price"), _("Amount"))
    rows = [
        LineRow(
            (
                str(position),
                line.sku,
                line.name_zh if locale == "zh_CN" else line.name_en,
                number(line.quantity),
                unit_label(line.unit),
                money(line.unit_price, currency),
                money(line.line_total, currency),
            )
        )
        for position, line in enumerate(lines, start=1)
    ]
    lines_table(pdf, title, Columns(heads, LINE_WIDTHS, numeric=(3, 5, 6)), rows)


def vat_label(rate: Decimal) -> str:
    """The VAT label ("VAT 13%") in the reader's language and number format."""
    return _("VAT %(rate)s%%", rate=number((rate * 100).normalize()))


def payment_terms_text(terms: str, days: int) -> str:
    return _("prepaid") if terms == "prepaid" else _("net %(days)s days", days=days)


def _payment(pdf: FPDF, doc: InvoiceDocument, seller: Seller) -> None:
    heading(pdf, _("Payment"))
    rows = [
        (_("Due date"), day(doc.due_on)),
        (_("Payment terms"), payment_terms_text(doc.payment_terms, doc.payment_days)),
        (_("Bank"), seller.bank_name),
        (_("Account no."), seller.bank_account),
        (_("Payment reference"), doc.number),
    ]
    if doc.fapiao:
        listed = [f"{f.fapiao_number} ({fapiao_type_label(f.fapiao_type)})" for f in doc.fapiao]
        rows.append((_("Official fapiao"), "\n".join(listed)))
    pairs(pdf, rows)
    paragraph(
        pdf,
        _("Please quote the invoice number with your payment so that we can match it."),
        size=7.5,
        color=MUTED,
    )


def render_invoice_pdf(doc: InvoiceDocument, *, locale: str, seller: Seller) -> bytes:
    """The invoice as PDF bytes: seller, buyer, lines, tax and totals, due date and bank details."""
    with using_locale(locale):
        title = _("Invoice %(number)s", number=doc.number)
        pdf = start(title, footer=title, seller=seller, locale=locale)
        subtitle = _("Issued %(date)s for order %(order)s", date=day(doc.issued_on), order=doc.order_number)
        letterhead(pdf, seller, title, subtitle)
        _buyer(pdf, doc.buyer)
        _lines(pdf, _("Invoiced goods"), doc.lines, locale, doc.currency)
        totals(
            pdf,
            [
                (_("Subtotal"), money(doc.subtotal, doc.currency)),
                (_("Shipping fee"), money(doc.shipping_fee, doc.currency)),
                (vat_label(doc.tax_rate), money(doc.tax_amount, doc.currency)),
                (_("Total incl. tax"), money(doc.total, doc.currency)),
            ],
        )
        _payment(pdf, doc, seller)
        return bytes(pdf.output())


def render_credit_note_pdf(doc: CreditNoteDocument, *, locale: str, seller: Seller) -> bytes:
    """The credit note as PDF bytes: seller, buyer, the invoice it credits, why, what and how much."""
    with using_locale(locale):
        title = _("Credit note %(number)s", number=doc.number)
        pdf = start(title, footer=title, seller=seller, locale=locale)
        subtitle = _(
            "Issued %(date)s against invoice %(invoice)s (order %(order)s)",
            date=day(doc.issued_on),
            invoice=doc.invoice_number,
            order=doc.order_number,
        )
        letterhead(pdf, seller, title, subtitle)
        _buyer(pdf, doc.buyer)
        heading(pdf, _("Reason"))
        paragraph(pdf, doc.reason)
        if doc.lines:
            _lines(pdf, _("Credited goods"), doc.lines, locale, doc.currency)
        totals(
            pdf,
            [
                (_("Amount credited excl. tax"), money(doc.subtotal, doc.currency)),
                (vat_label(doc.tax_rate), money(doc.tax_amount, doc.currency)),
                (_("Amount credited incl. tax"), money(doc.total, doc.currency)),
            ],
        )
        paragraph(
            pdf,
            _("This credit note reduces the amount due on invoice %(invoice)s.", invoice=doc.invoice_number),
            size=7.5,
            color=MUTED,
        )
        return bytes(pdf.output())
