"""导入银行流水: finance imports a bank's CSV export, then confirms, corrects or ignores each line.

- ``save_profile``: a bank profile names the bank and how its export reads (``BankProfile.mapping``:
  the header name of each column of ``bank_csv.FIELDS``, the delimiter, the decimal mark).
- ``import_statement``: reads the file (``bank_csv.read_statement``) with the profile's mapping; a
  profile without usable columns gets the columns recognised in the file saved as its mapping.
  Each incoming credit becomes a ``BankStatementLine`` with a proposal (``bank_matching``) unless a
  line with the same *fingerprint* is known: booking day + amount + payer + reference + how many
  identical lines came before it that day in the file. The unique constraint on the fingerprint
  makes importing the same file, or one that overlaps it (whole days), add nothing twice — even
  when two clerks import at once — and the import records how many lines were already known.
- ``confirm_line``: records the payment (bank transfer, the booking day, the amount, the reference,
  ``bank_line_id``) on the proposed invoice's account — or the invoice or account finance chose
  instead — allocates it to the invoice up to its balance (the rest is unapplied credit) and marks
  the line matched. The line's row lock makes a second confirmation, at once or later, return the
  payment of the first instead of recording another.
- ``ignore_line`` / ``reopen_line``: lines that are no customer payment (a refund, a loan) are set
  aside, and can be brought back.

Everything is audited; only finance (and admin) may do it.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.billing import BankProfile, BankStatementImport, BankStatementLine, Invoice, Payment
from portal.domain.audit import trail as audit
from portal.domain.billing import bank_csv, payments
from portal.domain.billing.balances import invoices_with_balances
from portal.domain.billing.bank_matching import MANUAL, invoice_number_in, propose
from portal.domain.billing.money import ZERO
from portal.domain.errors import NotFound, ValidationFailed
from portal.domain.orders.actors import Actor
from portal.i18n import N_

UNMATCHED, MATCHED, IGNORED = "unmatched", "matched", "ignored"
LINE_STATUS_LABELS = {UNMATCHED: N_("unmatched"), MATCHED: N_("matched"), IGNORED: N_("ignored")}

PROFILE = N_("Choose the bank the statement comes from.")
PROFILE_NAME = N_("Enter the bank's name (at most 120 characters).")
PROFILE_TAKEN = N_("A bank profile of this name exists already.")
COLUMNS = N_("Name the date column and either the amount column or the credit column.")
FILE = N_("Choose the CSV file exported from the bank.")
NO_INVOICE = N_("No invoice has this number.")
CHOOSE = N_("Choose the invoice or the customer account this money is from.")
MATCHED_ALREADY = N_("This line is matched to a payment: reverse the payment first.")


@dataclass(frozen=True)
class ProfileInput:
    """A bank profile as finance typed it: its name and the header name of each column (blank: none)."""

    name: str
    columns: dict[str, str]  # a field of bank_csv.FIELDS -> its header name
    delimiter: str = ""  # a key of bank_csv.DELIMITERS ("comma"…), or "": find out from the file
    decimal: str = "."


async def save_profile(
    db: AsyncSession, actor: Actor, profile_id: int | None, data: ProfileInput
) -> BankProfile:
    """Create (``profile_id`` None) or change a bank profile; audited.

    Raises ValidationFailed (``name``; ``columns`` when a mapping is given without a date column and
    an amount or credit column), NotFound for no such profile.
    """
    payments.require_finance(actor)
    name = data.name.strip()
    mapping = {k: v.strip()[:120] for k, v in data.columns.items() if k in bank_csv.FIELDS and v.strip()}
    errors: dict[str, str] = {} if 0 < len(name) <= 120 else {"name": PROFILE_NAME}
    if mapping and not bank_csv.usable(mapping):
        errors["columns"] = COLUMNS
    if errors:
        raise ValidationFailed(errors)
    if data.delimiter in bank_csv.DELIMITERS:
        mapping["delimiter"] = bank_csv.DELIMITERS[data.delimiter]
    mapping["decimal"] = data.decimal if data.decimal in bank_csv.DECIMALS else "."
    profile = await _profile(db, profile_id) if profile_id is not None else BankProfile(name=name)
    before = {"name": profile.name, "mapping": profile.mapping} if profile_id is not None else None
    profile.name, profile.mapping, profile.updated_by = name, mapping, actor.name
    try:
        async with db.begin_nested():
            db.add(profile)
    except IntegrityError:
        raise ValidationFailed({"name": PROFILE_TAKEN}) from None
    audit.record(
        db,
        actor,
        entity="bank_profile",
        entity_id=profile.id,
        action="update" if before else "create",
        before=before,
        after={"name": name, "mapping": mapping},
    )
    return profile


async def _profile(db: AsyncSession, profile_id: int) -> BankProfile:
    profile = await db.get(BankProfile, profile_id)
    if profile is None:
        raise NotFound()
    return profile


def fingerprints(lines: list[bank_csv.StatementLine]) -> list[str]:
    """sha256 of booking day, amount, payer, reference and the line's occurrence among identical ones."""
    seen: Counter[str] = Counter()
    out = []
    for line in lines:
        payer, reference = (" ".join(t.casefold().split()) for t in (line.payer_name, line.reference))
        key = f"{line.booked_on.isoformat()}|{line.amount:.2f}|{payer}|{reference}"
        out.append(hashlib.sha256(f"{key}|{seen[key]}".encode()).hexdigest())
        seen[key] += 1
    return out


@dataclass(frozen=True)
class ImportResult:
    """What one upload did: its import row, lines added, lines already known, debits and rows left out."""

    statement: BankStatementImport
    added: int
    known: int
    debits: int
    skipped: int


async def import_statement(
    db: AsyncSession, actor: Actor, profile_id: int | None, filename: str, content: bytes | None
) -> ImportResult:
    """Read ``content`` (a CSV export of the profile's bank) into new statement lines with proposals.

    Raises ValidationFailed (``profile_id``: no such profile; ``statement``: no file, or a file that
    cannot be read, with the reason) and Forbidden for non-finance.
    """
    payments.require_finance(actor)
    profile = await db.get(BankProfile, profile_id) if profile_id is not None else None
    if profile is None:
        raise ValidationFailed({"profile_id": PROFILE})
    if not content:
        raise ValidationFailed({"statement": FILE})
    try:
        statement = bank_csv.read_statement(content, profile.mapping)
    except bank_csv.UnreadableStatement as exc:
        raise ValidationFailed({"statement": exc.message}, params=exc.params) from None
    if not bank_csv.usable(profile.mapping):  # the columns recognised become the profile's
        profile.mapping = {**statement.mapping, "delimiter": statement.delimiter, "decimal": "."}
        profile.updated_by = actor.name
    record = BankStatementImport(
        profile_id=profile.id,
        filename=(filename or "")[:200],
        sha256=hashlib.sha256(content).hexdigest(),
        encoding=statement.encoding[:20],
        imported_at=clock.now(),
        imported_by=actor.name,
    )
    db.add(record)
    await db.flush()
    added = await _add_lines(db, record.id, statement.lines)
    record.line_count, record.duplicate_count = added, len(statement.lines) - added
    audit.record(
        db,
        actor,
        entity="bank_statement",
        entity_id=record.id,
        action="statement_imported",
        before=None,
        after={"filename": record.filename, "lines": added, "already_known": record.duplicate_count},
    )
    await db.flush()
    return ImportResult(record, added, record.duplicate_count, statement.debits, statement.skipped)


async def _add_lines(db: AsyncSession, import_id: int, lines: list[bank_csv.StatementLine]) -> int:
    """Insert the lines whose fingerprint is new (one statement); how many were added."""
    if not lines:
        return 0
    proposals = await propose(db, lines)
    rows = [
        {
            "import_id": import_id,
            "booked_on": line.booked_on,
            "amount": line.amount,
            "payer_name": line.payer_name,
            "payer_account": line.payer_account,
            "reference": line.reference,
            "fingerprint": fingerprint,
            "raw": line.raw,
            "status": UNMATCHED,
            "proposed_invoice_id": proposal.invoice_id,
            "match_rule": proposal.rule,
        }
        for line, fingerprint, proposal in zip(lines, fingerprints(lines), proposals, strict=True)
    ]
    stmt = (
        insert(BankStatementLine)
        .values(rows)
        .on_conflict_do_nothing(constraint="uq_bank_statement_lines_fingerprint")
        .returning(BankStatementLine.id)
    )
    return len((await db.execute(stmt)).all())


@dataclass(frozen=True)
class LineChoice:
    """Finance's correction of a proposal: another invoice (its number) or an account; blank: the proposal."""

    invoice_number: str = ""
    account_id: int | None = None


@dataclass(frozen=True)
class Confirmed:
    payment: Payment
    created: bool  # False: the line was confirmed before, this is that payment


async def _target(
    db: AsyncSession, line: BankStatementLine, choice: LineChoice
) -> tuple[Invoice | None, int]:
    """The invoice (if any) and the account the line's money is booked to: finance's choice, else the proposal."""
    if choice.invoice_number.strip():
        number = invoice_number_in(choice.invoice_number) or choice.invoice_number.strip()[:40]
        invoice = await db.scalar(select(Invoice).where(Invoice.number == number))
        if invoice is None:
            raise ValidationFailed({"invoice": NO_INVOICE})
        return invoice, invoice.account_id
    if choice.account_id is not None:
        return None, choice.account_id
    invoice = await db.get(Invoice, line.proposed_invoice_id) if line.proposed_invoice_id else None
    if invoice is None:
        raise ValidationFailed({"invoice": CHOOSE})
    return invoice, invoice.account_id


async def confirm_line(db: AsyncSession, actor: Actor, line_id: int, choice: LineChoice) -> Confirmed:
    """Book the line's money as a payment (see the module docstring); a confirmed line returns its payment.

    Raises NotFound (no such line), ValidationFailed (``invoice``: no such invoice, nothing chosen
    and nothing proposed; ``account_id``: no such account), Forbidden for non-finance.
    """
    payments.require_finance(actor)
    line = await payments.locked(db, BankStatementLine, line_id)
    if line.status == MATCHED:
        earlier = await db.scalar(
            select(Payment)
            .where(Payment.bank_line_id == line.id, Payment.reverses_payment_id.is_(None))
            .order_by(Payment.id.desc())
        )
        if earlier is not None:
            return Confirmed(earlier, created=False)
    invoice, account_id = await _target(db, line, choice)
    data = payments.PaymentInput(
        account_id=account_id,
        received_on=line.booked_on,
        amount=line.amount,
        method="bank_transfer",
        reference=line.reference,
        note=line.payer_name,
    )
    payment = await payments.record_payment(db, actor, data, bank_line_id=line.id)
    if invoice is not None and (owed := await _balance(db, invoice.id)) > 0:
        await payments.allocate(db, actor, payment.id, {invoice.id: min(owed, line.amount)})
    corrected = choice.invoice_number.strip() or choice.account_id is not None
    if corrected:
        line.proposed_invoice_id, line.match_rule = (invoice.id if invoice else None), MANUAL
    line.status, line.matched_at, line.matched_by = MATCHED, clock.now(), actor.name
    audit.record(
        db,
        actor,
        entity="bank_line",
        entity_id=line.id,
        action="line_confirmed",
        before=None,
        after={"payment": payment.id, "invoice": invoice.number if invoice else None, "amount": line.amount},
    )
    await db.flush()
    return Confirmed(payment, created=True)


async def _balance(db: AsyncSession, invoice_id: int) -> Decimal:
    row = (await db.execute(invoices_with_balances().where(Invoice.id == invoice_id))).first()
    return row.balance if row is not None else ZERO


async def _set_aside(db: AsyncSession, actor: Actor, line_id: int, status: str, action: str) -> None:
    payments.require_finance(actor)
    line = await payments.locked(db, BankStatementLine, line_id)
    if line.status == MATCHED:
        raise ValidationFailed({"line": MATCHED_ALREADY})
    before, line.status = line.status, status
    line.matched_at, line.matched_by = (clock.now(), actor.name) if status == IGNORED else (None, "")
    audit.record(
        db,
        actor,
        entity="bank_line",
        entity_id=line.id,
        action=action,
        before={"status": before},
        after={"status": status},
    )
    await db.flush()


async def ignore_line(db: AsyncSession, actor: Actor, line_id: int) -> None:
    """Set a line aside as no customer payment; ValidationFailed (``line``) for a matched one."""
    await _set_aside(db, actor, line_id, IGNORED, "line_ignored")


async def reopen_line(db: AsyncSession, actor: Actor, line_id: int) -> None:
    """Bring an ignored line back to unmatched; ValidationFailed (``line``) for a matched one."""
    await _set_aside(db, actor, line_id, UNMATCHED, "line_reopened")
