"""Reading a bank's CSV export (银行流水): encoding, delimiter, header row, columns, dates and amounts.

Pure functions over the file's bytes, no database: ``read_statement(content, mapping)`` returns the
incoming credits of the file as ``StatementLine`` rows, or raises ``UnreadableStatement``.

- **Encoding**: told by ``charset-normalizer`` among UTF-8 (a BOM is dropped), GB18030 (a superset
  of GBK and GB2312, what PRC banks' exports use) and UTF-16. Short GBK files are easily taken for
  Korean or Big5 by an unrestricted guess, so the candidates are limited to these.
- **Delimiter**: the mapping's (``","``, ``";"`` or ``"\\t"``), else ``csv.Sniffer`` among those three,
  else the one the header row holds most of.
- **Header row**: banks put title lines above it (account, period…): the first of the first 50 rows
  that holds the mapped date and amount columns (or, without a mapping, whose names
  ``guess_mapping`` recognises).
- **Columns** (``mapping``, by header name): ``date``; either ``amount`` (one signed column, credits
  positive) or ``credit`` (with ``debit`` beside it); ``payer``, ``payer_account``, ``reference``; and
  ``decimal`` (``"."``, or ``","`` for ``1.234,56``).
- **Dates**: ``2026/11/30``, ``2026-11-30``, ``2026.11.30``, ``20261130``, ``2026年11月30日``, a time
  after it ignored; years 2000–2100. **Amounts**: thousands separators, ``¥``/``￥``/``CNY``/``RMB``,
  ``(1,234.00)`` as negative; at most two decimals.

Only incoming credits become lines; debits and rows without a readable date or amount (totals,
blank rows) are counted, not kept.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import charset_normalizer

from portal import clock, numbers
from portal.i18n import N_
from portal.text import clean_text

FIELDS = ("date", "amount", "credit", "debit", "payer", "payer_account", "reference")
DELIMITERS = {"comma": ",", "semicolon": ";", "tab": "\t"}  # as a profile's form names them
DELIMITER_LABELS = {"comma": N_("comma"), "semicolon": N_("semicolon"), "tab": N_("tab")}
DECIMALS = (".", ",")
ENCODINGS = ["utf_8", "gb18030", "utf_16"]  # what charset-normalizer may choose from
HEADER_SEARCH = 50  # rows looked at for the header
MAX_BYTES = 5 * 1024 * 1024
MAX_CELL = 300

# the header names banks use, compared without case and spaces; ``guess_mapping`` tries them in order
COLUMN_GUESSES: dict[str, tuple[str, ...]] = {
    "date": (
        "交易日期",
        "记账日期",
        "入账日期",
        "交易时间",
        "日期",
        "bookingdate",
        "transactiondate",
        "date",
    ),
    "credit": ("贷方金额", "贷方发生额", "收入金额", "收入", "贷方", "credit", "creditamount", "deposit"),
    "debit": ("借方金额", "借方发生额", "支出金额", "支出", "借方", "debit", "debitamount", "withdrawal"),
    "amount": ("交易金额", "发生额", "金额", "amount"),
    "payer": (
        "对方户名",
        "对方账户名称",
        "对方名称",
        "付款人名称",
        "付款人",
        "counterparty",
        "payer",
        "name",
    ),
    "payer_account": ("对方账号", "对方账户", "付款人账号", "counterpartyaccount", "payeraccount", "iban"),
    "reference": ("附言", "用途", "摘要", "备注", "remittanceinformation", "reference", "purpose", "memo"),
}

EMPTY = N_("The file is empty or too large (at most 5 MB), or it is not a CSV export.")
ENCODING = N_("The file's encoding is not recognised: export it from the bank as UTF-8 or GBK.")
NO_HEADER = N_("No header row with the columns %(columns)s was found. Check the bank profile's column names.")
NO_COLUMNS = N_("The columns of this file are not recognised: enter them in the bank profile first.")


class UnreadableStatement(ValueError):
    """The file cannot be read as a bank statement; ``message`` is a msgid, ``params`` fill it."""

    def __init__(self, message: str, **params: object) -> None:
        self.message, self.params = message, params
        super().__init__(message)


@dataclass(frozen=True)
class StatementLine:
    """One incoming credit: booking day, amount (> 0, in the statement's currency), who paid, what for."""

    booked_on: date
    amount: Decimal
    payer_name: str
    payer_account: str
    reference: str
    raw: dict[str, str]  # the row as read, by header name


@dataclass(frozen=True)
class Statement:
    encoding: str
    delimiter: str
    mapping: dict[str, str]  # the columns used (the profile's, or the guessed ones)
    lines: list[StatementLine] = field(default_factory=list)
    debits: int = 0  # outgoing rows left out
    skipped: int = 0  # rows without a readable date or amount (totals, notes)


def decode(content: bytes) -> tuple[str, str]:
    """The file's text and the name of its encoding; UnreadableStatement when it is none of ENCODINGS."""
    if content.startswith(codecs.BOM_UTF8):
        content = content[len(codecs.BOM_UTF8) :]
    found = charset_normalizer.from_bytes(content, cp_isolation=ENCODINGS).best()
    if found is None:
        raise UnreadableStatement(ENCODING)
    return str(found), found.encoding.replace("_", "-")


_DAY_SEPARATED = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})日?")
_DAY_PLAIN = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date(raw: str) -> date | None:
    """A booking date as banks write it (see the module docstring), or None; a time after it is ignored."""
    text = raw.strip()
    found = _DAY_SEPARATED.match(text) or _DAY_PLAIN.match(text)
    rest = text[found.end() :] if found else ""
    if found is None or (rest and not rest[0].isspace() and rest[0] != "T"):
        return None
    try:
        day = date(*(int(g) for g in found.groups()))
    except ValueError:
        return None
    return day if clock.FIRST_YEAR <= day.year <= clock.LAST_YEAR else None


_AMOUNT = re.compile(r"[+-]?\d+(\.\d{1,2})?")
_CURRENCY = re.compile(r"[¥￥$\s\u00a0'_]|CNY|RMB", re.IGNORECASE)


def parse_amount(raw: str, decimal: str = ".") -> Decimal | None:
    """A signed amount with thousands separators (``1,234.50``, ``(25.00)``, ``1.234,50`` when
    ``decimal`` is ``","``); None when blank or not an amount of at most two decimals."""
    text = _CURRENCY.sub("", raw)
    negative = text.startswith("(") and text.endswith(")")
    text = text.strip("()")
    group = "." if decimal == "," else ","
    text = text.replace(group, "").replace(decimal, ".")
    if text.endswith("-"):  # 25.00- as some banks write a debit
        text, negative = text[:-1], True
    if not _AMOUNT.fullmatch(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if abs(value) > numbers.MAX_AMOUNT:
        return None
    return -value if negative else value


def _key(name: str) -> str:
    return re.sub(r"[\s_:：]", "", name).casefold()


def guess_mapping(header: list[str]) -> dict[str, str]:
    """The columns of ``header`` whose names are among COLUMN_GUESSES: {field: header name}."""
    keys = {_key(h): h for h in header if h}
    out: dict[str, str] = {}
    for name, guesses in COLUMN_GUESSES.items():
        found = next((keys[g] for g in guesses if g in keys and keys[g] not in out.values()), None)
        if found:
            out[name] = found
    return out


def usable(mapping: dict[str, str]) -> bool:
    """A mapping names a date column and an amount or a credit column."""
    return bool(mapping.get("date")) and bool(mapping.get("amount") or mapping.get("credit"))


def _delimiter(text: str, preferred: str | None) -> str:
    if preferred in DELIMITERS.values():
        return preferred
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH])
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS.values())).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in DELIMITERS.values()}
        return max(counts, key=counts.get)  # type: ignore[arg-type]


def _header(rows: list[list[str]], mapping: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Where the header row is and the columns to use: the mapping's, else those guessed from it."""
    wanted = [mapping[k] for k in ("date", "amount", "credit") if mapping.get(k)]
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        named = {_key(h): h for h in row if h}  # the row's own spelling of each name
        if usable(mapping) and all(_key(w) in named for w in wanted):
            return index, {k: named.get(_key(v), v) for k, v in mapping.items() if k in FIELDS and v}
        if not usable(mapping) and usable(guess := guess_mapping(row)):
            return index, guess
    if usable(mapping):
        raise UnreadableStatement(NO_HEADER, columns="、".join(wanted))
    raise UnreadableStatement(NO_COLUMNS)


def _cells(row: list[str]) -> list[str]:
    return [clean_text(c, MAX_CELL) for c in row]


def read_statement(content: bytes, mapping: dict[str, str] | None = None) -> Statement:
    """The incoming credits of a bank's CSV export read with ``mapping`` (a bank profile's), or guessed.

    Raises UnreadableStatement (EMPTY, ENCODING, NO_HEADER, NO_COLUMNS) when it cannot be read.
    """
    mapping = dict(mapping or {})
    if not content.strip() or len(content) > MAX_BYTES:
        raise UnreadableStatement(EMPTY)
    text, encoding = decode(content)
    delimiter = _delimiter(text, mapping.get("delimiter"))
    try:
        rows = [_cells(r) for r in csv.reader(text.splitlines(), delimiter=delimiter)]
    except csv.Error:
        raise UnreadableStatement(EMPTY) from None
    start, columns = _header(rows, mapping)
    header = rows[start]
    decimal = mapping.get("decimal") if mapping.get("decimal") in DECIMALS else "."
    lines: list[StatementLine] = []
    debits = skipped = 0
    for row in rows[start + 1 :]:
        if not any(row):
            continue
        raw = {name: value for name, value in zip(header, row, strict=False) if name}
        booked_on = parse_date(raw.get(columns["date"], ""))
        amount = _credit(raw, columns, decimal)
        if booked_on is None or amount is None:
            skipped += 1
        elif amount <= 0:
            debits += 1
        else:
            lines.append(
                StatementLine(
                    booked_on=booked_on,
                    amount=amount,
                    payer_name=raw.get(columns.get("payer", ""), "")[:200],
                    payer_account=raw.get(columns.get("payer_account", ""), "")[:60],
                    reference=raw.get(columns.get("reference", ""), "")[:300],
                    raw=raw,
                )
            )
    return Statement(encoding, delimiter, columns, lines, debits, skipped)


def _credit(raw: dict[str, str], columns: dict[str, str], decimal: str) -> Decimal | None:
    """The row's amount, credits positive; a debit negative; None when the row carries no amount."""
    if columns.get("amount"):
        return parse_amount(raw.get(columns["amount"], ""), decimal)
    credit = parse_amount(raw.get(columns["credit"], ""), decimal)
    if credit:
        return credit
    debit = parse_amount(raw.get(columns.get("debit", ""), ""), decimal) if columns.get("debit") else None
    if debit:
        return -abs(debit)
    return credit  # 0 or None
