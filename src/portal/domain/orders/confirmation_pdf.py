"""The order confirmation as a PDF commercial document, in the reader's language, Simplified-Chinese glyphs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fpdf import FPDF

from portal.domain.catalog.labels import term
from portal.domain.catalog.units import unit_label
from portal.domain.orders.confirmation_docs import content_hash
from portal.domain.pdf import (
    MUTED,
    Columns,
    LineRow,
    Seller,
    address_text,
    cjk_font,
    heading,
    letterhead,
    lines_table,
    pairs,
    paragraph,
    seller_from,
    start,
    totals,
)
from portal.formatting import day, moment, money, number
from portal.i18n import gettext as _
from portal.i18n import using_locale

__all__ = ["Seller", "cjk_font", "render_pdf", "seller_from"]  # the PDF pieces live in ``domain.pdf``

LINE_WIDTHS = (7, 26, 55, 18, 14, 27, 33)  # #, SKU, product, quantity, unit, unit price, amount (mm)


def _buyer(pdf: FPDF, snapshot: dict[str, Any]) -> None:
    customer = snapshot["customer"]
    heading(pdf, _("Buyer"))
    rows = [(_("Customer"), customer["name"]), (_("Contact"), customer.get("contact") or "")]
    if customer.get("invoice_title"):
        rows.append((_("Invoice title"), customer["invoice_title"]))
    if customer.get("tax_id"):
        rows.append((_("Tax ID"), customer["tax_id"]))
    rows.append((_("Delivery address"), address_text(snapshot.get("shipping_address") or {})))
    pairs(pdf, rows)


def _line_row(position: int, line: dict[str, Any], locale: str, currency: str) -> LineRow:
    """One line's cells, each specification option a note under the product."""
    cells = (
        str(position),
        line["sku"],
        line["name_zh"] if locale == "zh_CN" else line["name_en"],
        number(line["quantity"]),
        unit_label(line["unit"], line.get("labels")),
        money(Decimal(line["unit_price"]), currency),
        money(Decimal(line["line_total"]), currency),
    )
    labels = line.get("labels")
    specs = [f"{term(name, labels)}: {term(value, labels)}" for name, value in line["specs"].items()]
    return LineRow(cells, specs)


def _lines(pdf: FPDF, snapshot: dict[str, Any], locale: str) -> None:
    heads = ("#", _("SKU"), _("Product"), _("Quantity"), _("Unit"), _("Unit price"), _("Amount"))
    rows = [
        _line_row(position, line, locale, snapshot["currency"])
        for position, line in enumerate(snapshot["lines"], start=1)
    ]
    lines_table(pdf, _("Order lines"), Columns(heads, LINE_WIDTHS, numeric=(3, 5, 6)), rows)


def _totals(pdf: FPDF, snapshot: dict[str, Any]) -> None:
    currency = snapshot["currency"]
    rate = Decimal(snapshot["tax_rate"]) * 100
    rows = (
        (_("Subtotal"), "subtotal"),
        (_("Shipping fee"), "shipping_fee"),
        (_("VAT %(rate)s%%", rate=number(rate.normalize())), "tax_amount"),
        (_("Total"), "total"),
    )
    totals(pdf, [(label, money(Decimal(snapshot[key]), currency)) for label, key in rows])


def _payment_terms(snapshot: dict[str, Any], seller: Seller) -> str:
    if snapshot["payment_terms"] == "prepaid":
        text = _("Payment in full before the goods are shipped.")
    else:
        text = _("Payment within %(days)s days of the invoice date.", days=snapshot["payment_days"])
    return text + ("\n" + _("Bank account: %(bank)s", bank=seller.bank) if seller.bank else "")


def _terms(pdf: FPDF, snapshot: dict[str, Any], seller: Seller) -> None:
    heading(pdf, _("Dates and terms"))
    pairs(
        pdf,
        [
            (_("Requested delivery date"), day(snapshot["requested_delivery_date"])),
            (_("Promised delivery date"), day(snapshot["promised_delivery_date"])),
            (_("Payment terms"), _payment_terms(snapshot, seller)),
            (
                _("Delivery terms"),
                _(
                    "Delivered to the delivery address above; carriage as shown under shipping fee. "
                    "Title and risk pass to the buyer on delivery."
                ),
            ),
        ],
    )
    if snapshot.get("special_requirements"):
        heading(pdf, _("Special requirements"))
        paragraph(pdf, snapshot["special_requirements"])


def _record_pairs(doc: Any, digest: str) -> list[tuple[str, str]]:
    """What the signature record says: who signed which version when, or why there is no signature."""
    if digest != doc.content_hash:
        return [(_("Status"), _("This document does not match the signed fingerprint: do not rely on it."))]
    version = f"v{doc.version}"
    if doc.status == "accepted":
        when = moment(doc.responded_at, "yyyy-MM-dd HH:mm:ss") + " " + _("(Shanghai time)")
        return [
            (_("Status"), _("Accepted and signed electronically")),
            (_("Signed by"), doc.signer_name),
            (_("Signed at"), when),
            (_("Version"), version),
            (_("Document hash (SHA-256)"), digest),
        ]
    status = {
        "declined": _("Declined by the customer on %(date)s", date=day(doc.responded_at)),
        "superseded": _("Replaced by a newer version"),
    }.get(doc.status, _("Not signed yet: the customer accepts it in the portal"))
    return [(_("Status"), status), (_("Version"), version), (_("Document hash (SHA-256)"), digest)]


def _record(pdf: FPDF, doc: Any) -> None:
    heading(pdf, _("Signature record"))
    pairs(pdf, _record_pairs(doc, content_hash(doc.snapshot)))
    paragraph(
        pdf,
        _(
            "The hash identifies exactly the content above; the buyer signs it electronically in the "
            "portal, and that signature binds both parties to this order."
        ),
        size=7.5,
        color=MUTED,
    )


def render_pdf(doc: Any, *, locale: str, seller: Seller) -> bytes:
    """The confirmation ``doc`` (a Confirmation) as PDF bytes, with its signature record if signed."""
    snapshot = doc.snapshot
    with using_locale(locale):
        title = _("Order confirmation %(number)s", number=snapshot["number"])
        pdf = start(title, footer=f"{title} · v{doc.version}", seller=seller, locale=locale)
        issued = _(
            "Version %(version)s, issued %(date)s",
            version=snapshot["version"],
            date=day(snapshot["issued_at"]),
        )
        letterhead(pdf, seller, title, issued)
        _buyer(pdf, snapshot)
        _lines(pdf, snapshot, locale)
        _totals(pdf, snapshot)
        _terms(pdf, snapshot, seller)
        _record(pdf, doc)
        return bytes(pdf.output())
