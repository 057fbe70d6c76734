"""The layout every PDF commercial document shares: A4 pages, the CJK font, the seller's letterhead,
label/value blocks, a ruled table of lines, totals, and "page x of y" in the footer.

Order confirmations (``orders.confirmation_pdf``), invoices and credit notes (``billing.pdf``) are
built from these pieces, in the reader's language, with Simplified-Chinese glyphs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTCollection
from fpdf import FPDF
from fpdf.enums import CellBordersLayout, TableBordersLayout, VAlign
from fpdf.fonts import FontFace

from portal.i18n import gettext as _

# Noto Sans CJK collections hold one face per region (JP, KR, SC, TC, HK): the SC face is picked by name
SYSTEM_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
FONT = "cjk"
INK, MUTED, RULE, SHADE = (20, 24, 33), (90, 98, 112), (170, 176, 188), (235, 238, 244)
PAIR_COLUMNS = (48, 132)
TOTAL_COLUMNS = (50, 40)
HEADING = FontFace(emphasis="", color=INK, fill_color=SHADE)


@dataclass(frozen=True)
class Seller:
    """Who issues the document: the legal seller named at the head of every page, and where to pay."""

    name: str
    address: str
    tax_id: str = ""
    phone: str = ""
    email: str = ""
    bank: str = ""  # bank and account in one line, as order confirmations print it (SELLER_BANK)
    bank_name: str = ""  # SELLER_BANK_NAME, on invoices
    bank_account: str = ""  # SELLER_BANK_ACCOUNT, on invoices


def seller_from(settings: object, locale: str = "en") -> Seller:
    """The seller block of a Settings object (SELLER_* variables) for a document read in ``locale``.

    In Chinese the name, address and bank come from SELLER_NAME_ZH, SELLER_ADDRESS_ZH, SELLER_BANK_ZH and
    SELLER_BANK_NAME_ZH, each falling back to its English value when empty.
    """

    def text(field: str) -> str:
        value: str = getattr(settings, field)
        return (getattr(settings, f"{field}_zh", "") or value) if locale.startswith("zh") else value

    return Seller(
        name=text("seller_name"),
        address=text("seller_address"),
        tax_id=settings.seller_tax_id,  # type: ignore[attr-defined]
        phone=settings.seller_phone,  # type: ignore[attr-defined]
        email=settings.seller_email,  # type: ignore[attr-defined]
        bank=text("seller_bank"),
        bank_name=text("seller_bank_name"),
        bank_account=settings.seller_bank_account,  # type: ignore[attr-defined]
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


class DocumentPDF(FPDF):
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


def start(title: str, *, footer: str, seller: Seller, locale: str) -> DocumentPDF:
    """A new document with its first page: the PDF's title, author and language set."""
    pdf = DocumentPDF(footer)
    pdf.set_title(title)
    pdf.set_author(seller.name)
    pdf.set_lang("zh-CN" if locale == "zh_CN" else "en")
    pdf.add_page()
    return pdf


def table(pdf: FPDF, widths: Sequence[float], **options: Any):  # noqa: ANN201
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


def heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, size=10.5)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=9)


def pairs(pdf: FPDF, rows: Sequence[tuple[str, str]]) -> None:
    """Label and value rows; values wrap within their column."""
    pdf.set_draw_color(*RULE)
    with table(pdf, PAIR_COLUMNS, first_row_as_headings=False) as t:
        for label, value in rows:
            row = t.row()
            row.cell(label, style=FontFace(color=MUTED))
            row.cell(value or "—")


def paragraph(pdf: FPDF, text: str, *, size: float = 9, color: tuple[int, int, int] = INK) -> None:
    """Free text of any length: wraps, and breaks across pages where it must."""
    pdf.set_font(FONT, size=size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, size=9)


def letterhead(pdf: FPDF, seller: Seller, title: str, subtitle: str) -> None:
    """The seller's name and details, then the document's title and a line under it."""
    pdf.set_font(FONT, size=13)
    pdf.multi_cell(0, 7, seller.name, new_x="LMARGIN", new_y="NEXT")
    details = [
        seller.address,
        _("Tax ID: %(id)s", id=seller.tax_id) if seller.tax_id else "",
        _("Phone: %(phone)s", phone=seller.phone) if seller.phone else "",
        seller.email,
    ]
    paragraph(pdf, " · ".join(d for d in details if d), size=8, color=MUTED)
    pdf.ln(4)
    pdf.set_font(FONT, size=16)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    paragraph(pdf, subtitle, size=8.5, color=MUTED)


def address_text(address: dict[str, Any]) -> str:
    """A delivery address as lines: who and phone, the place, the postal code."""
    place = " ".join(str(address.get(k) or "") for k in ("province", "city", "district", "street"))
    who = " · ".join(str(address.get(k) or "") for k in ("recipient", "phone") if address.get(k))
    postal = str(address.get("postal_code") or "")
    return "\n".join(part for part in (who, " ".join(place.split()), postal) if part)


@dataclass(frozen=True)
class LineRow:
    """One ruled row of a lines table; each note (a specification option) follows in a row of its own."""

    cells: tuple[str, ...]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Columns:
    """The columns of a lines table: heads, widths (mm) and which are right-aligned numbers."""

    heads: tuple[str, ...]
    widths: tuple[float, ...]
    numeric: tuple[int, ...]


def lines_table(pdf: FPDF, title: str, columns: Columns, rows: Sequence[LineRow]) -> None:
    """A heading, then one ruled row per line with its notes under it (spanning all but the first 2 columns)."""
    heading(pdf, title)
    pdf.set_font(FONT, size=8.5)
    pdf.set_draw_color(*RULE)
    note_style = FontFace(color=MUTED, size_pt=8)
    with table(pdf, columns.widths, borders_layout=TableBordersLayout.NONE) as t:
        head = t.row()
        for column, text in enumerate(columns.heads):
            head.cell(text, align="RIGHT" if column in columns.numeric else "LEFT")
        for line in rows:
            row = t.row()
            for column, text in enumerate(line.cells):
                align = "RIGHT" if column in columns.numeric else "LEFT"
                row.cell(text, align=align, border=CellBordersLayout.TOP)
            for note in line.notes:
                row = t.row()
                row.cell("", colspan=2)
                row.cell(note, style=note_style, colspan=len(columns.widths) - 2)
    pdf.line(pdf.l_margin, pdf.y, pdf.l_margin + sum(columns.widths), pdf.y)
    pdf.set_font(FONT, size=9)


def totals(pdf: FPDF, rows: Sequence[tuple[str, str]]) -> None:
    """Label and amount rows at the right, under a lines table."""
    pdf.ln(2)
    with table(pdf, TOTAL_COLUMNS, first_row_as_headings=False, align="RIGHT") as t:
        for label, amount in rows:
            row = t.row()
            row.cell(label, style=FontFace(color=MUTED))
            row.cell(amount, align="RIGHT")
