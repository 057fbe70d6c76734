"""The order confirmation as a PDF commercial document, in the reader's language, Simplified-Chinese glyphs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTCollection
from fpdf import FPDF
from fpdf.enums import CellBordersLayout, TableBordersLayout, VAlign
from fpdf.fonts import FontFace

from portal.domain.catalog.labels import term
from portal.domain.catalog.units import unit_label
from portal.domain.orders.confirmation_docs import content_hash
from portal.formatting import day, moment, money, number
from portal.i18n import gettext as _
from portal.i18n import using_locale

# Noto Sans CJK collections hold one face per region (JP, KR, SC, TC, HK): the SC face is picked by name
SYSTEM_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
FONT = "cjk"
INK, MUTED, RULE, SHADE = (20, 24, 33), (90, 98, 112), (170, 176, 188), (235, 238, 244)
LINE_COLUMNS = (7, 26, 55, 18, 14, 27, 33)  # #, SKU, product, quantity, unit, unit price, amount (mm)
NUMERIC_COLUMNS = (3, 5, 6)
PAIR_COLUMNS = (48, 132)
HEADING = FontFace(emphasis="", color=INK, fill_color=SHADE)


@dataclass(frozen=True)
class Seller:
    """Who issues the confirmation: the legal seller named on every page the customer signs."""

    name: str
    address: str
    tax_id: str = ""
    phone: str = ""
    email: str = ""
    bank: str = ""


def seller_from(settings: object) -> Seller:
    """The seller block of a Settings object (SELLER_* variables)."""
    return Seller(
        name=settings.seller_name,  # type: ignore[attr-defined]
        address=settings.seller_address,  # type: ignore[attr-defined]
        tax_id=settings.seller_tax_id,  # type: ignore[attr-defined]
        phone=settings.seller_phone,  # type: ignore[attr-defined]
        email=settings.seller_email,  # type: ignore[attr-defined]
        bank=settings.seller_bank,  # type: ignore[attr-defined]
    )


def _sc_face(path: str) -> int | None:
    """Index of the Simplified-Chinese face in a font file (0 for a single font), None if it has none."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    faces = TTCollection(path, lazy=True)
    try:
        for index, face in enumerate(faces.fonts):
            family = face["name"].getDebugName(1) or ""
            if family.endswith(" SC") and "Mono" not in family:
                return index
        return 0 if "wqy" in path else None  # WenQuanYi is a Simplified-Chinese design
    finally:
        faces.close()


@cache
def cjk_font() -> tuple[str, int]:
    """(path, face) of Noto Sans CJK SC from its package (a dependency), else a system CJK font."""
    candidates: list[str] = list(SYSTEM_FONTS)
    try:
        import noto_cjk_sans_otc

        candidates.insert(0, str(noto_cjk_sans_otc.FONT_PATH))
    except ModuleNotFoundError:
        pass
    for path in candidates:
        if Path(path).is_file() and (face := _sc_face(path)) is not None:
            return path, face
    raise RuntimeError("no Simplified-Chinese font found: install the noto-cjk-sans-otc package")


class ConfirmationPDF(FPDF):
    """A4 pages with a footer naming the document and saying 'page x of y'."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(format="A4")
        self.footer_text = footer_text
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=18)
        path, face = cjk_font()
        self.add_font(FONT, fname=path, collection_font_number=face)
        self.set_font(FONT, size=9)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, size=7.5)
        self.set_text_color(*MUTED)
        self.cell(125, 5, self.footer_text)
        page = _("Page %(page)s of %(pages)s", page=self.page_no(), pages="{nb}")
        self.cell(0, 5, page, align="R")


def _table(pdf: FPDF, widths: Sequence[float], **options: Any):  # noqa: ANN202
    """A wrapped-cell table in the document's font: cells grow, rows move whole to the next page."""
    defaults: dict[str, Any] = {
        "align": "LEFT",
        "text_align": "LEFT",
        "v_align": VAlign.T,
        "line_height": pdf.font_size * 1.45,
        "padding": (1.2, 1.5),
        "headings_style": HEADING,
        "borders_layout": TableBordersLayout.HORIZONTAL_LINES,
    }
    return pdf.table(col_widths=tuple(widths), width=sum(widths), **{**defaults, **options})


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, size=10.5)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)


def _pairs(pdf: FPDF, pairs: Sequence[tuple[str, str]]) -> None:
    """Label and value rows; values wrap within their column."""
    pdf.set_draw_color(*RULE)
    with _table(pdf, PAIR_COLUMNS, first_row_as_headings=False) as table:
        for label, value in pairs:
            row = table.row()
            row.cell(label, style=FontFace(color=MUTED))
            row.cell(value or "—")


def _paragraph(pdf: FPDF, text: str, *, size: float = 9, color: tuple[int, int, int] = INK) -> None:
    """Free text of any length: wraps, and breaks across pages where it must."""
    pdf.set_font(FONT, size=size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, size=9)


def _letterhead(pdf: FPDF, seller: Seller, snapshot: dict[str, Any]) -> None:
    pdf.set_font(FONT, size=13)
    pdf.multi_cell(0, 7, seller.name, new_x="LMARGIN", new_y="NEXT")
    details = [
        seller.address,
        _("Tax ID: %(id)s", id=seller.tax_id) if seller.tax_id else "",
        _("Phone: %(phone)s", phone=seller.phone) if seller.phone else "",
        seller.email,
    ]
    _paragraph(pdf, " · ".join(d for d in details if d), size=8, color=MUTED)
    pdf.ln(4)
    pdf.set_font(FONT, size=16)
    title = _("Order confirmation %(number)s", number=snapshot["number"])
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    issued = _(
        "Version %(version)s, issued %(date)s", version=snapshot["version"], date=day(snapshot["issued_at"])
    )
    _paragraph(pdf, issued, size=8.5, color=MUTED)


def _address(address: dict[str, Any]) -> str:
    place = " ".join(str(address.get(k) or "") for k in ("province", "city", "district", "street"))
    who = " · ".join(str(address.get(k) or "") for k in ("recipient", "phone") if address.get(k))
    postal = str(address.get("postal_code") or "")
    return "\n".join(part for part in (who, " ".join(place.split()), postal) if part)


def _buyer(pdf: FPDF, snapshot: dict[str, Any]) -> None:
    customer = snapshot["customer"]
    _heading(pdf, _("Buyer"))
    pairs = [(_("Customer"), customer["name"]), (_("Contact"), customer.get("contact") or "")]
    if customer.get("invoice_title"):
        pairs.append((_("Invoice title"), customer["invoice_title"]))
    if customer.get("tax_id"):
        pairs.append((_("Tax ID"), customer["tax_id"]))
    pairs.append((_("Delivery address"), _address(snapshot.get("shipping_address") or {})))
    _pairs(pdf, pairs)


def _line_cells(line: dict[str, Any], locale: str, currency: str) -> tuple[str, ...]:
    return (
        line["sku"],
        line["name_zh"] if locale == "zh_CN" else line["name_en"],
        number(line["quantity"]),
        unit_label(line["unit"], line.get("labels")),
        money(Decimal(line["unit_price"]), currency),
        money(Decimal(line["line_total"]), currency),
    )


def _lines(pdf: FPDF, snapshot: dict[str, Any], locale: str) -> None:
    """One ruled row per line; each specification option follows in a row of its own under the product."""
    _heading(pdf, _("Order lines"))
    pdf.set_font(FONT, size=8.5)
    pdf.set_draw_color(*RULE)
    heads = ("#", _("SKU"), _("Product"), _("Quantity"), _("Unit"), _("Unit price"), _("Amount"))
    spec_style = FontFace(color=MUTED, size_pt=8)
    with _table(pdf, LINE_COLUMNS, borders_layout=TableBordersLayout.NONE) as table:
        head = table.row()
        for column, text in enumerate(heads):
            head.cell(text, align="RIGHT" if column in NUMERIC_COLUMNS else "LEFT")
        for position, line in enumerate(snapshot["lines"], start=1):
            row = table.row()
            for column, text in enumerate((str(position), *_line_cells(line, locale, snapshot["currency"]))):
                align = "RIGHT" if column in NUMERIC_COLUMNS else "LEFT"
                row.cell(text, align=align, border=CellBordersLayout.TOP)
            for name, value in line["specs"].items():
                row = table.row()
                row.cell("", colspan=2)
                spec = f"{term(name, line.get('labels'))}: {term(value, line.get('labels'))}"
                row.cell(spec, style=spec_style, colspan=len(LINE_COLUMNS) - 2)
    pdf.line(pdf.l_margin, pdf.y, pdf.l_margin + sum(LINE_COLUMNS), pdf.y)
    pdf.set_font(FONT, size=9)


def _totals(pdf: FPDF, snapshot: dict[str, Any]) -> None:
    currency = snapshot["currency"]
    rate = Decimal(snapshot["tax_rate"]) * 100
    rows = (
        (_("Subtotal"), "subtotal"),
        (_("Shipping fee"), "shipping_fee"),
        (_("VAT %(rate)s%%", rate=number(rate.normalize())), "tax_amount"),
        (_("Total"), "total"),
    )
    pdf.ln(2)
    with _table(pdf, (50, 40), first_row_as_headings=False, align="RIGHT") as table:
        for label, key in rows:
            row = table.row()
            row.cell(label, style=FontFace(color=MUTED))
            row.cell(money(Decimal(snapshot[key]), currency), align="RIGHT")


def _payment_terms(snapshot: dict[str, Any], seller: Seller) -> str:
    if snapshot["payment_terms"] == "prepaid":
        text = _("Payment in full before the goods are shipped.")
    else:
        text = _("Payment within %(days)s days of the invoice date.", days=snapshot["payment_days"])
    return text + ("\n" + _("Bank account: %(bank)s", bank=seller.bank) if seller.bank else "")


def _terms(pdf: FPDF, snapshot: dict[str, Any], seller: Seller) -> None:
    _heading(pdf, _("Dates and terms"))
    _pairs(
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
        _heading(pdf, _("Special requirements"))
        _paragraph(pdf, snapshot["special_requirements"])


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
    _heading(pdf, _("Signature record"))
    _pairs(pdf, _record_pairs(doc, content_hash(doc.snapshot)))
    _paragraph(
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
        pdf = ConfirmationPDF(f"{title} · v{doc.version}")
        pdf.set_title(title)
        pdf.set_author(seller.name)
        pdf.set_lang("zh-CN" if locale == "zh_CN" else "en")
        pdf.add_page()
        _letterhead(pdf, seller, snapshot)
        _buyer(pdf, snapshot)
        _lines(pdf, snapshot, locale)
        _totals(pdf, snapshot)
        _terms(pdf, snapshot, seller)
        _record(pdf, doc)
        return bytes(pdf.output())
