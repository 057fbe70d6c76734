"""The statement of account as files: a PDF laid out like the invoices, and a CSV for spreadsheets.

Both take a ``statement.Statement`` and speak the reader's language (``locale``); the PDF also takes
the ``Seller`` of the settings for its letterhead. CSV amounts are plain decimals and dates ISO, so
a spreadsheet computes with them; the file is UTF-8 with a BOM (``exports.excel_csv``).
"""

from __future__ import annotations

from datetime import date

from portal.domain.billing.statement import (
    BUCKET_LABELS,
    BUCKETS,
    CREDIT_NOTE,
    ENTRY_LABELS,
    INVOICE,
    Entry,
    Statement,
)
from portal.domain.exports import excel_csv
from portal.domain.pdf import Columns, LineRow, Seller, heading, letterhead, lines_table, pairs, start, totals
from portal.formatting import day, money
from portal.i18n import gettext as _
from portal.i18n import using_locale

ENTRY_WIDTHS = (22, 22, 32, 34, 22, 22, 26)  # date, entry, document, order/reference, debit, credit, balance
AGEING_WIDTHS = (26, 26, 26, 26, 26, 25, 25)  # the five buckets, credit, total (mm)


def entry_reference(entry: Entry) -> str:
    """What the entry refers to, in the reader's words: the order and due date, the invoice credited."""
    if entry.kind == INVOICE:
        due = _("due %(date)s", date=day(date.fromisoformat(entry.reference)))
        return f"{entry.order_number} · {due}"
    if entry.kind == CREDIT_NOTE:
        return _("against %(invoice)s", invoice=entry.reference)
    return ""


def period_text(st: Statement) -> str:
    return _("%(start)s to %(end)s", start=day(st.period.start), end=day(st.period.end))


def _entry_heads() -> tuple[str, ...]:
    return (_("Date"), _("Entry"), _("Document no."), _("Reference"), _("Debit"), _("Credit"), _("Balance"))


def _ageing_heads() -> tuple[str, ...]:
    return (*(_(BUCKET_LABELS[b]) for b in BUCKETS), _("Credit on account"), _("Total"))


def render_statement_pdf(st: Statement, *, locale: str, seller: Seller) -> bytes:
    """The statement as PDF bytes: customer, entries with running balance, totals, ageing."""
    with using_locale(locale):
        title = _("Statement of account")
        pdf = start(title, footer=f"{title} · {st.account_name}", seller=seller, locale=locale)
        letterhead(pdf, seller, title, period_text(st))
        heading(pdf, _("Customer"))
        pairs(
            pdf,
            [
                (_("Customer"), st.account_name),
                (_("Invoice title"), st.invoice_title),
                (_("Tax ID"), st.tax_id),
            ],
        )
        cur = st.currency
        rows = [LineRow((day(st.period.start), _("Opening balance"), "", "", "", "", money(st.opening, cur)))]
        rows += [
            LineRow(
                (
                    day(e.on),
                    _(ENTRY_LABELS[e.kind]),
                    e.number,
                    entry_reference(e),
                    money(e.debit, cur) if e.debit else "",
                    money(e.credit, cur) if e.credit else "",
                    money(e.balance, cur),
                )
            )
            for e in st.entries
        ]
        lines_table(pdf, _("Entries"), Columns(_entry_heads(), ENTRY_WIDTHS, numeric=(4, 5, 6)), rows)
        totals(
            pdf,
            [
                (_("Opening balance"), money(st.opening, cur)),
                (_("Invoiced amount"), money(st.invoiced, cur)),
                (_("Credit notes"), money(st.credited, cur)),
                (_("Payments"), money(st.paid, cur)),
                (_("Closing balance"), money(st.closing, cur)),
            ],
        )
        ageing = st.ageing
        amounts = (*(ageing.buckets[b] for b in BUCKETS), ageing.credit, ageing.total)
        title = _("Ageing on %(date)s (days overdue)", date=day(st.period.end))
        columns = Columns(_ageing_heads(), AGEING_WIDTHS, numeric=tuple(range(7)))
        lines_table(pdf, title, columns, [LineRow(tuple(money(a, cur) for a in amounts))])
        return bytes(pdf.output())


def statement_csv(st: Statement, *, locale: str) -> bytes:
    """The statement as CSV bytes (one table of entries, then the ageing), headings in ``locale``."""
    with using_locale(locale):
        rows: list[list[object]] = [
            [_("Statement of account"), st.account_name, st.tax_id],
            [_("Period"), st.period.start, st.period.end],
            [],
            list(_entry_heads()),
            [st.period.start, _("Opening balance"), "", "", "", "", st.opening],
        ]
        rows += [
            [
                e.on,
                _(ENTRY_LABELS[e.kind]),
                e.number,
                entry_reference(e),
                e.debit or "",
                e.credit or "",
                e.balance,
            ]
            for e in st.entries
        ]
        rows += [
            ["", _("Total for the period"), "", "", st.invoiced, st.credited + st.paid, ""],
            [st.period.end, _("Closing balance"), "", "", "", "", st.closing],
            [],
            [_("Ageing on %(date)s (days overdue)", date=st.period.end.isoformat())],
            list(_ageing_heads()),
            [*(st.ageing.buckets[b] for b in BUCKETS), st.ageing.credit, st.ageing.total],
        ]
        return excel_csv(rows)
