"""The order confirmation as a PDF, in the reader's language, with an embedded CJK font."""

from __future__ import annotations

import importlib.resources
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from fpdf import FPDF

from portal.formatting import day, money
from portal.i18n import gettext as _
from portal.i18n import using_locale

SYSTEM_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


@cache
def cjk_font() -> str:
    """Noto Sans CJK from its package (a dependency), else a system CJK font."""
    try:
        path = importlib.resources.files("cvttf_NotoSansCJK_Regular") / "NotoSansCJKtc-Regular.otf"
        if path.is_file():
            return str(path)
    except ModuleNotFoundError:
        pass
    for candidate in SYSTEM_FONTS:
        if Path(candidate).is_file():
            return candidate
    raise RuntimeError("no CJK font found: install the cvttf-notosanscjk-regular package")


def _terms(snapshot: dict[str, Any]) -> str:
    if snapshot["payment_terms"] == "prepaid":
        return _("prepaid")
    return _("net %(days)s days", days=snapshot["payment_days"])


def _table(pdf: FPDF, snapshot: dict[str, Any], locale: str) -> None:
    cur = snapshot["currency"]
    widths = (28, 70, 22, 30, 40)
    pdf.set_fill_color(235, 238, 244)
    for text, width in zip(
        (_("SKU"), _("Product"), _("Quantity"), _("Unit price"), _("Amount")), widths, strict=True
    ):
        pdf.cell(width, 8, text, border=1, fill=True)
    pdf.ln()
    for line in snapshot["lines"]:
        name = line["name_zh"] if locale == "zh_CN" else line["name_en"]
        specs = "; ".join(f"{k}: {v}" for k, v in line["specs"].items())
        cells = (
            line["sku"],
            name + (f" ({specs})" if specs else ""),
            f"{line['quantity']} {line['unit']}",
            money(Decimal(line["unit_price"]), cur),
            money(Decimal(line["line_total"]), cur),
        )
        for text, width in zip(cells, widths, strict=True):
            pdf.cell(width, 8, text[:60], border=1)
        pdf.ln()
    for label, key in (
        (_("Subtotal"), "subtotal"),
        (_("Shipping"), "shipping_fee"),
        (_("VAT"), "tax_amount"),
        (_("Total"), "total"),
    ):
        pdf.cell(sum(widths[:-1]), 8, label, border=0, align="R")
        pdf.cell(widths[-1], 8, money(Decimal(snapshot[key]), cur), border=1)
        pdf.ln()


def render_pdf(snapshot: dict[str, Any], *, locale: str, content_hash: str) -> bytes:
    with using_locale(locale):
        pdf = FPDF()
        pdf.set_title(_("Order confirmation %(number)s", number=snapshot["number"]))
        pdf.add_page()
        pdf.add_font("cjk", fname=cjk_font())
        pdf.set_font("cjk", size=16)
        pdf.cell(
            0,
            10,
            _("Order confirmation %(number)s", number=snapshot["number"]),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("cjk", size=10)
        address = snapshot.get("shipping_address") or {}
        facts = [
            (_("Version"), f"v{snapshot['version']}"),
            (_("Customer"), snapshot["customer"]["name"]),
            (
                _("Invoice title / tax ID"),
                f"{snapshot['customer']['invoice_title']} / {snapshot['customer']['tax_id']}",
            ),
            (
                _("Delivery address"),
                " ".join(
                    str(address.get(k, "")) for k in ("recipient", "province", "city", "district", "street")
                ),
            ),
            (_("Requested delivery date"), day(snapshot["requested_delivery_date"])),
            (_("Promised delivery date"), day(snapshot["promised_delivery_date"])),
            (_("Payment terms"), _terms(snapshot)),
        ]
        for label, value in facts:
            pdf.cell(50, 7, label)
            pdf.multi_cell(0, 7, value or "—", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        _table(pdf, snapshot, locale)
        if snapshot.get("special_requirements"):
            pdf.ln(3)
            pdf.multi_cell(0, 7, _("Special requirements") + ": " + snapshot["special_requirements"])
        pdf.ln(5)
        pdf.set_font("cjk", size=7)
        pdf.multi_cell(0, 5, _("Document fingerprint (SHA-256): %(hash)s", hash=content_hash))
        return bytes(pdf.output())
