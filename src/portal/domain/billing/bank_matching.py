"""Which invoice a bank statement line most likely pays: the proposal finance confirms or corrects.

For each incoming credit, in this order:

1. ``reference``: an invoice number written in the line's reference (``INV-2026-000001``; banks
   also pass on ``inv 2026 000001`` or ``INV2026000001``) that exists → that invoice;
2. ``amount_and_name``: else the one unsettled invoice whose balance is exactly the line's amount
   *and* whose account resembles the payer. "Resembles": the payer compared with the account's
   name, its invoice title and the invoice's title (Chinese company names are usually the
   invoice title), after dropping case, punctuation and legal forms (有限公司, Co., Ltd. …), by
   ``rapidfuzz.fuzz.WRatio``, at least ``NAME_THRESHOLD`` (88 of 100: "DEMO MANUFACTURING CO LTD"
   and "Demo Manufacturing Co." score 100, "上海演示制造有限公司" and "演示制造有限公司" 90, while
   "Demo Bank" against "Demo Manufacturing Co." scores 85 and "示例制造" against "演示制造" 75).
   Two such invoices, or none: no proposal;
3. else unmatched (rule ``""``).

Proposals for a whole file are made in two statements, however many lines it has.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.billing import Invoice
from portal.db.customers import CustomerAccount
from portal.domain.billing.balances import invoice_balance
from portal.domain.billing.bank_csv import StatementLine
from portal.i18n import N_

REFERENCE, AMOUNT_AND_NAME, MANUAL = "reference", "amount_and_name", "manual"
MATCH_RULE_LABELS = {
    REFERENCE: N_("invoice no. in the reference"),
    AMOUNT_AND_NAME: N_("same amount, similar payer"),
    MANUAL: N_("chosen by finance"),
}
NAME_THRESHOLD = 88
INVOICE_IN_TEXT = re.compile(r"INV[\s_-]?(\d{4})[\s_-]?(\d{6})(?!\d)", re.IGNORECASE)
_LEGAL_FORM = re.compile(
    r"股份有限公司|有限责任公司|有限公司|集团|公司"
    r"|\b(?:co|company|corp|corporation|inc|ltd|limited|llc|gmbh|plc)\b\.?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Proposal:
    invoice_id: int | None
    rule: str  # REFERENCE | AMOUNT_AND_NAME | ""


NONE = Proposal(None, "")


def invoice_number_in(text: str) -> str | None:
    """The first invoice number written in ``text``, spelt as the portal numbers invoices."""
    found = INVOICE_IN_TEXT.search(text or "")
    return f"INV-{found.group(1)}-{found.group(2)}" if found else None


def plain_name(name: str) -> str:
    """A company name without case, punctuation or legal form: what resemblance compares."""
    text = _LEGAL_FORM.sub(" ", (name or "").casefold())
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def resemblance(payer: str, names: tuple[str, ...]) -> float:
    """How much ``payer`` resembles the closest of ``names``, 0..100 (see the module docstring)."""
    mine = plain_name(payer)
    if not mine:
        return 0.0
    return max((fuzz.WRatio(mine, plain_name(n)) for n in names if plain_name(n)), default=0.0)


@dataclass(frozen=True)
class _Candidate:
    invoice_id: int
    balance: Decimal
    names: tuple[str, ...]


async def propose(db: AsyncSession, lines: list[StatementLine]) -> list[Proposal]:
    """One proposal per line, in the lines' order (see the module docstring)."""
    wanted = {n for line in lines if (n := invoice_number_in(line.reference))}
    by_number = dict(
        (await db.execute(select(Invoice.number, Invoice.id).where(Invoice.number.in_(wanted)))).all()
    ) if wanted else {}  # fmt: skip
    out: list[Proposal] = []
    pending: list[int] = []
    for index, line in enumerate(lines):
        number = invoice_number_in(line.reference)
        if number in by_number:
            out.append(Proposal(by_number[number], REFERENCE))
        else:
            out.append(NONE)
            pending.append(index)
    if not pending:
        return out
    candidates = await _open_with_balance(db, {lines[i].amount for i in pending})
    for index in pending:
        line = lines[index]
        fits = [
            c
            for c in candidates.get(line.amount, [])
            if resemblance(line.payer_name, c.names) >= NAME_THRESHOLD
        ]
        if len(fits) == 1:
            out[index] = Proposal(fits[0].invoice_id, AMOUNT_AND_NAME)
    return out


async def _open_with_balance(db: AsyncSession, amounts: set[Decimal]) -> dict[Decimal, list[_Candidate]]:
    """Unsettled invoices whose balance is one of ``amounts``, by balance, with their account's names."""
    balance = invoice_balance().label("balance")
    inner = (
        select(
            Invoice.id,
            balance,
            CustomerAccount.name,
            CustomerAccount.invoice_title.label("account_title"),
            Invoice.invoice_title,
        )
        .join(CustomerAccount, CustomerAccount.id == Invoice.account_id)
        .subquery()
    )
    rows = await db.execute(select(inner).where(inner.c.balance.in_(sorted(amounts))))
    found: dict[Decimal, list[_Candidate]] = {}
    for invoice_id, owed, name, account_title, invoice_title in rows.all():
        found.setdefault(owed, []).append(_Candidate(invoice_id, owed, (name, account_title, invoice_title)))
    return found
