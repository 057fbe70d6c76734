"""The invoice lists, read in one statement per page and scoped by the actor reading them.

- ``invoice_list``: one keyset page of invoices (the buyer's account, or finance's filters) with
  their paid, credited and open amounts and status, in one statement however long the page;
- ``order_invoices_json`` / ``order_invoice_rows``: the invoices of one order, read inside the order
  pages' one statement and decoded.

A customer reads only their own account's invoices. The documents themselves are in ``documents``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.billing import Invoice
from portal.db.customers import CustomerAccount
from portal.db.orders import Order
from portal.domain import paging
from portal.domain.billing.balances import UNSETTLED, InvoiceStatus, credited_amount, paid_amount, status_of
from portal.domain.billing.invoices import readable_invoices
from portal.domain.json_rows import json_list, json_rows, money_text
from portal.domain.orders.actors import Actor
from portal.domain.orders.queries import as_id
from portal.domain.orders.staff_list import customer_choices
from portal.domain.paging import Page
from portal.i18n import N_

PAGE_SIZE = 25
STATUS_LABELS = {
    InvoiceStatus.OPEN: N_("open"),
    InvoiceStatus.PARTLY_PAID: N_("partly paid"),
    InvoiceStatus.PAID: N_("paid"),
    InvoiceStatus.OVERDUE: N_("overdue"),
    InvoiceStatus.CREDITED: N_("credited"),
}
# finance's "overdue by" filter: days past the due date, both ends included (None: no end)
OVERDUE_BANDS: dict[str, tuple[int, int | None]] = {
    "1-30": (1, 30),
    "31-60": (31, 60),
    "61-90": (61, 90),
    "90+": (91, None),
}
OVERDUE_LABELS = {
    "1-30": N_("1–30 days"),
    "31-60": N_("31–60 days"),
    "61-90": N_("61–90 days"),
    "90+": N_("over 90 days"),
}


@dataclass(frozen=True)
class InvoiceFilter:
    """``status`` one of InvoiceStatus; ``account_id`` (staff only); ``overdue`` a key of OVERDUE_BANDS."""

    status: str | None = None
    account_id: int | None = None
    overdue: str | None = None
    after: str | None = None  # keyset cursor: the last row of the previous page

    @classmethod
    def from_query(
        cls,
        status: str | None,
        after: str | None,
        *,
        account: str | None = None,
        overdue: str | None = None,
    ) -> InvoiceFilter:
        """The filter a list URL's query asks for (text as typed): an unknown status, band or account
        id filters nothing."""
        return cls(
            status=status if status in STATUS_LABELS else None,
            account_id=as_id(account),
            overdue=overdue if overdue in OVERDUE_BANDS else None,
            after=after,
        )


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    number: str
    kind: str
    order_number: str
    account_id: int
    account_name: str
    currency: str
    issued_on: date
    due_on: date
    total: Decimal
    paid: Decimal
    credited: Decimal
    status: str

    @property
    def balance(self) -> Decimal:
        return self.total - self.paid - self.credited


def status_sql(total: Any, paid: Any, credited: Any, due_on: Any, today: date) -> ColumnElement[str]:
    """``balances.status_of`` as SQL over columns of one row, so lists filter by status in the database."""
    balance = total - paid - credited
    return case(
        (and_(credited >= total, total > 0), InvoiceStatus.CREDITED.value),
        (balance <= 0, InvoiceStatus.PAID.value),
        (due_on < today, InvoiceStatus.OVERDUE.value),
        (paid > 0, InvoiceStatus.PARTLY_PAID.value),
        else_=InvoiceStatus.OPEN.value,
    )


def _rows(scope: Select) -> Select:
    """Invoice rows with their sums and status: ``scope`` (readable invoices) as a subquery."""
    inner = (
        scope.with_only_columns(
            Invoice.id,
            Invoice.number,
            Invoice.kind,
            Order.number.label("order_number"),
            Invoice.account_id,
            CustomerAccount.name.label("account_name"),
            Invoice.currency,
            Invoice.issued_on,
            Invoice.due_on,
            Invoice.total,
            paid_amount().label("paid"),
            credited_amount().label("credited"),
        )
        .join(Order, Order.id == Invoice.order_id)
        .join(CustomerAccount, CustomerAccount.id == Invoice.account_id)
        .subquery()
    )
    c = inner.c
    status = status_sql(c.total, c.paid, c.credited, c.due_on, clock.today()).label("status")
    return select(*c, status).select_from(inner)


def _row(r: Any) -> InvoiceRow:
    return InvoiceRow(**{name: getattr(r, name) for name in InvoiceRow.__dataclass_fields__})


def _cursor(row: InvoiceRow) -> str:
    return paging.encode_cursor(row.issued_on.isoformat(), row.id)


def day_cursor(cursor: str | None) -> tuple[date, int] | None:
    """The (day, id) a keyset cursor of a list sorted by a date names; None for none or a mangled one."""
    found = paging.decode_cursor(cursor)
    if found is None:
        return None
    try:
        return date.fromisoformat(found[0]), found[1]
    except ValueError:
        return None


def _overdue_band(stmt: Select, band: str | None, today: date) -> Select:
    """Overdue invoices whose due date lies ``band`` days back (days overdue = today − due date)."""
    if band not in OVERDUE_BANDS:
        return stmt
    least, most = OVERDUE_BANDS[band]
    due = stmt.selected_columns.due_on
    stmt = stmt.where(stmt.selected_columns.status == InvoiceStatus.OVERDUE.value)
    stmt = stmt.where(due <= today - timedelta(days=least))
    return stmt.where(due >= today - timedelta(days=most)) if most is not None else stmt


async def invoice_list(
    db: AsyncSession, actor: Actor, filters: InvoiceFilter, *, limit: int = PAGE_SIZE
) -> Page[InvoiceRow]:
    """One page of the invoices ``actor`` may read, newest first, in one statement.

    A customer's filters never reach beyond their account (``account_id`` is ignored for them).
    """
    scope = readable_invoices(actor)
    if filters.account_id is not None and actor.kind != "customer":
        scope = scope.where(Invoice.account_id == filters.account_id)
    stmt = _rows(scope)
    cols = stmt.selected_columns
    if filters.status in InvoiceStatus.__members__.values():
        stmt = stmt.where(cols.status == filters.status)
    stmt = _overdue_band(stmt, filters.overdue, clock.today())
    if cursor := day_cursor(filters.after):
        stmt = stmt.where(tuple_(cols.issued_on, cols.id) < tuple_(*cursor))
    stmt = stmt.order_by(cols.issued_on.desc(), cols.id.desc()).limit(limit + 1)
    rows = [_row(r) for r in (await db.execute(stmt)).all()]
    return paging.page_of(rows, limit, _cursor)


@dataclass(frozen=True)
class FinanceList:
    """Finance's invoice list: one page of invoices and the accounts its customer filter offers."""

    result: Page[InvoiceRow]
    accounts: list[tuple[int, str]]


async def finance_list(db: AsyncSession, actor: Actor, filters: InvoiceFilter) -> FinanceList:
    """The staff invoice list page in two statements: the page, and the accounts to filter by."""
    return FinanceList(await invoice_list(db, actor, filters), await customer_choices(db))


def order_invoices_json() -> ColumnElement:
    """The invoices of the enclosing statement's order (``orders``) as one JSON array, oldest first: per
    invoice [id, number, kind, account id, account name, currency, issued on, due on, total, paid,
    credited], money as text; the sums are ``paid_amount`` and ``credited_amount``. For the order pages'
    one-statement reads; ``order_invoice_rows`` decodes it."""
    billed = CustomerAccount.__table__.alias("billed")  # the page's own account row is another FROM
    columns = [
        Invoice.id, Invoice.number, Invoice.kind, Invoice.account_id, billed.c.name, Invoice.currency,
        Invoice.issued_on, Invoice.due_on, money_text(Invoice.total), money_text(paid_amount()),
        money_text(credited_amount()),
    ]  # fmt: skip
    return (
        select(json_rows(columns, Invoice.id))
        .select_from(Invoice.__table__.join(billed, billed.c.id == Invoice.account_id))
        .where(Invoice.order_id == Order.id, Invoice.account_id == Order.account_id)
        .scalar_subquery()
    )


def order_invoice_rows(value: Any, *, order_number: str, today: date) -> list[InvoiceRow]:
    """``order_invoices_json``'s column decoded: the order's invoices, oldest first, status as of ``today``."""
    out = []
    for ident, number, kind, account_id, name, currency, issued, due, *sums in json_list(value):
        total, paid, credited = (Decimal(v) for v in sums)
        due_on = date.fromisoformat(due)
        status = status_of(total, paid, credited, due_on, today).value
        out.append(
            InvoiceRow(
                ident,
                number,
                kind,
                order_number,
                account_id,
                name,
                currency,
                date.fromisoformat(issued),
                due_on,
                total,
                paid,
                credited,
                status,
            )  # fmt: skip
        )
    return out


async def open_invoices(db: AsyncSession, actor: Actor, account_id: int) -> list[InvoiceRow]:
    """The account's invoices with something still owed (open, partly paid, overdue), oldest due first."""
    stmt = _rows(readable_invoices(actor).where(Invoice.account_id == account_id))
    cols = stmt.selected_columns
    stmt = stmt.where(cols.status.in_(sorted(UNSETTLED))).order_by(cols.due_on, cols.id)
    return [_row(r) for r in (await db.execute(stmt)).all()]
