"""Finance's bank statement pages, each read in a fixed number of statements.

- ``bank_overview``: the bank profiles, the latest imports and the lines still unmatched (work queue);
- ``import_detail``: one import (the preview) with its lines, each with its proposal (invoice,
  account, what is still owed on it and its status) or, once confirmed, its payment;
- ``bank_profile``: one profile for its edit form.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.billing import BankProfile, BankStatementImport, BankStatementLine, Invoice, Payment
from portal.db.customers import CustomerAccount
from portal.domain.billing.balances import credited_amount, invoice_balance, paid_amount
from portal.domain.billing.bank_csv import DELIMITERS, FIELDS
from portal.domain.billing.bank_import import MATCHED, UNMATCHED
from portal.domain.billing.views import status_sql
from portal.domain.errors import NotFound
from portal.domain.orders.staff_list import customer_choices

RECENT_IMPORTS = 20
QUEUE_SIZE = 200


@dataclass(frozen=True)
class ImportRow:
    id: int
    profile_name: str
    filename: str
    encoding: str
    line_count: int
    duplicate_count: int
    imported_at: datetime
    imported_by: str


@dataclass(frozen=True)
class LineRow:
    id: int
    import_id: int
    booked_on: date
    amount: Decimal
    payer_name: str
    payer_account: str
    reference: str
    status: str  # unmatched | matched | ignored
    match_rule: str  # reference | amount_and_name | manual | ""
    matched_by: str
    invoice_number: str | None  # the proposal (or, once confirmed, the invoice chosen)
    account_name: str | None
    invoice_balance: Decimal | None
    invoice_status: str | None
    payment_id: int | None  # a matched line's payment


def _imports() -> Select:
    return select(
        BankStatementImport.id,
        BankProfile.name,
        BankStatementImport.filename,
        BankStatementImport.encoding,
        BankStatementImport.line_count,
        BankStatementImport.duplicate_count,
        BankStatementImport.imported_at,
        BankStatementImport.imported_by,
    ).outerjoin(BankProfile, BankProfile.id == BankStatementImport.profile_id)


def _lines() -> Select:
    """Statement lines with their proposed invoice's number, account, balance and status, and payment."""
    balance = invoice_balance()
    status = status_sql(Invoice.total, paid_amount(), credited_amount(), Invoice.due_on, clock.today())
    # a matched line's payment is its latest (a reversed one set the line back to unmatched)
    payment = (
        select(Payment.id)
        .where(
            Payment.bank_line_id == BankStatementLine.id,
            Payment.reverses_payment_id.is_(None),
            BankStatementLine.status == MATCHED,
        )
        .order_by(Payment.id.desc())
        .limit(1)
        .correlate(BankStatementLine)
        .scalar_subquery()
    )
    line = BankStatementLine
    return (
        select(
            line.id,
            line.import_id,
            line.booked_on,
            line.amount,
            line.payer_name,
            line.payer_account,
            line.reference,
            line.status,
            line.match_rule,
            line.matched_by,
            Invoice.number,
            CustomerAccount.name,
            balance,
            status,
            payment,
        )
        .outerjoin(Invoice, Invoice.id == line.proposed_invoice_id)
        .outerjoin(CustomerAccount, CustomerAccount.id == Invoice.account_id)
    )


def _line_rows(rows: Any) -> list[LineRow]:
    return [LineRow(*r) for r in rows.all()]


@dataclass(frozen=True)
class BankOverview:
    profiles: list[tuple[int, str]]
    imports: list[ImportRow]
    unmatched: list[LineRow]
    accounts: list[tuple[int, str]]  # for correcting a line to an account


async def bank_overview(db: AsyncSession) -> BankOverview:
    """The upload form's profiles, the latest imports and the unmatched lines, oldest first (four statements)."""
    profiles = await db.execute(select(BankProfile.id, BankProfile.name).order_by(BankProfile.name))
    imports = await db.execute(_imports().order_by(BankStatementImport.id.desc()).limit(RECENT_IMPORTS))
    unmatched = await db.execute(
        _lines()
        .where(BankStatementLine.status == UNMATCHED)
        .order_by(BankStatementLine.booked_on, BankStatementLine.id)
        .limit(QUEUE_SIZE)
    )
    return BankOverview(
        profiles=[(r[0], r[1]) for r in profiles.all()],
        imports=[ImportRow(*r) for r in imports.all()],
        unmatched=_line_rows(unmatched),
        accounts=await customer_choices(db),
    )


@dataclass(frozen=True)
class ImportDetail:
    statement: ImportRow
    lines: list[LineRow]
    accounts: list[tuple[int, str]]


async def import_detail(db: AsyncSession, import_id: int) -> ImportDetail:
    """One import with the lines it added, in file order (three statements); NotFound for no such import."""
    found = (await db.execute(_imports().where(BankStatementImport.id == import_id))).first()
    if found is None:
        raise NotFound()
    lines = await db.execute(
        _lines().where(BankStatementLine.import_id == import_id).order_by(BankStatementLine.id)
    )
    return ImportDetail(ImportRow(*found), _line_rows(lines), await customer_choices(db))


@dataclass(frozen=True)
class ProfileRow:
    id: int
    name: str
    mapping: dict[str, str]
    updated_at: datetime
    updated_by: str

    def form_values(self) -> dict[str, str]:
        """The profile as its edit form shows it: name, ``col_<field>``, delimiter (by name), decimal mark."""
        named = {char: name for name, char in DELIMITERS.items()}
        return {
            "name": self.name,
            **{f"col_{f}": self.mapping.get(f, "") for f in FIELDS},
            "delimiter": named.get(self.mapping.get("delimiter", ""), ""),
            "decimal": self.mapping.get("decimal", "."),
        }


async def bank_profile(db: AsyncSession, profile_id: int) -> ProfileRow:
    """One bank profile; NotFound for no such profile."""
    profile = await db.get(BankProfile, profile_id)
    if profile is None:
        raise NotFound()
    return ProfileRow(
        profile.id, profile.name, dict(profile.mapping or {}), profile.updated_at, profile.updated_by
    )


async def bank_profiles(db: AsyncSession) -> list[ProfileRow]:
    """Every bank profile, by name."""
    rows = await db.scalars(select(BankProfile).order_by(BankProfile.name))
    return [ProfileRow(p.id, p.name, dict(p.mapping or {}), p.updated_at, p.updated_by) for p in rows]
