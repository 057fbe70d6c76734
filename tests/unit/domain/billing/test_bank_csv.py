"""Reading banks' CSV exports: encodings, delimiters, header rows, dates, amounts; fingerprints; names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from portal.domain.billing.bank_csv import (
    UnreadableStatement,
    guess_mapping,
    parse_amount,
    parse_date,
    read_statement,
)
from portal.domain.billing.bank_import import fingerprints
from portal.domain.billing.bank_matching import NAME_THRESHOLD, invoice_number_in, resemblance

EXAMPLES = Path(__file__).resolve().parents[4] / "docs" / "examples" / "bank"
GBK = EXAMPLES / "icbc-2026-11-gbk.csv"
UTF8 = EXAMPLES / "demo-bank-2026-11-utf8.csv"


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("2026/11/30", date(2026, 11, 30)),
        ("2026-11-30", date(2026, 11, 30)),
        ("20261130", date(2026, 11, 30)),
        ("2026.1.5", date(2026, 1, 5)),
        ("2026年11月30日", date(2026, 11, 30)),
        ("2026-11-30 10:22:01", date(2026, 11, 30)),
        ("2026-11-30T10:22", date(2026, 11, 30)),
        ("合计", None),
        ("2026-13-01", None),
        ("1999-12-31", None),
        ("202611301", None),
        ("", None),
    ],
)
def test_dates_as_banks_write_them(raw, day):
    assert parse_date(raw) == day


@pytest.mark.parametrize(
    ("raw", "amount"),
    [
        ("1,234.50", Decimal("1234.50")),
        ("-2,450.00", Decimal("-2450.00")),
        ("(25.00)", Decimal("-25.00")),
        ("25.00-", Decimal("-25.00")),
        ("¥1 000.00", Decimal("1000.00")),
        ("CNY 5", Decimal("5")),
        ("+10", Decimal("10")),
        ("12.345", None),
        ("1e3", None),
        ("NaN", None),
        ("", None),
        ("9" * 20, None),
    ],
)
def test_amounts_with_thousands_separators_and_signs(raw, amount):
    assert parse_amount(raw) == amount


def test_a_decimal_comma_when_the_profile_says_so():
    assert parse_amount("1.234,56", ",") == Decimal("1234.56")
    assert parse_amount("1.234,56") is None


def test_the_gbk_example_reads_its_credits_only():
    statement = read_statement(GBK.read_bytes())
    assert statement.encoding == "gb18030" and statement.delimiter == ","
    assert statement.mapping["credit"] == "贷方金额" and statement.mapping["payer"] == "对方户名"
    assert (statement.debits, statement.skipped) == (1, 1)  # the bank charge, the totals row
    assert [(ln.booked_on.day, ln.amount, ln.payer_name) for ln in statement.lines] == [
        (25, Decimal("10452.50"), "演示制造有限公司"),
        (26, Decimal("16159.00"), "演示制造有限公司"),
        (26, Decimal("1000.00"), "演示制造有限公司"),
        (27, Decimal("3000.00"), "港湾分销有限公司"),
        (27, Decimal("8800.00"), "上海未知贸易有限公司"),
    ]
    assert statement.lines[0].reference == "付 INV-2026-000001 货款"


def test_the_utf8_example_with_semicolons_and_a_signed_amount():
    statement = read_statement(UTF8.read_bytes())
    assert (statement.encoding, statement.delimiter) == ("utf-8", ";")
    assert statement.mapping["amount"] == "Amount" and "credit" not in statement.mapping
    assert [(ln.amount, ln.payer_name) for ln in statement.lines] == [
        (Decimal("10622.00"), "DEMO MANUFACTURING CO LTD"),
        (Decimal("2000.00"), "苏州精密机械有限公司"),
    ]
    assert statement.debits == 2


def test_a_profile_mapping_and_tabs_and_a_bom():
    text = "\ufeffTitle line\nWhen\tWho\tIn\tOut\tWhy\n20261130\tAcme\t1,000.00\t\tINV-2026-000009\n"
    mapping = {"date": "When", "credit": "In", "debit": "Out", "payer": "Who", "reference": "Why"}
    statement = read_statement(text.encode("utf-8"), {**mapping, "delimiter": "\t"})
    (line,) = statement.lines
    assert (line.booked_on, line.amount, line.payer_name) == (date(2026, 11, 30), Decimal("1000.00"), "Acme")
    with pytest.raises(UnreadableStatement) as refused:
        read_statement(text.encode("utf-8"), {"date": "Datum", "amount": "Betrag"})
    assert refused.value.params == {"columns": "Datum、Betrag"}


@pytest.mark.parametrize("content", [b"", b"   \n", b"\x00\xff odd file", "ÄÖÜ;ß".encode("cp1252")])
def test_what_is_no_statement_is_refused_with_a_reason(content):
    with pytest.raises(UnreadableStatement):
        read_statement(content)


def test_guessing_columns_from_common_header_names():
    assert guess_mapping(["交易日期", "对方户名", "贷方发生额", "借方发生额", "摘要"]) == {
        "date": "交易日期",
        "credit": "贷方发生额",
        "debit": "借方发生额",
        "payer": "对方户名",
        "reference": "摘要",
    }


def test_identical_lines_of_one_day_get_their_own_fingerprint_and_the_same_one_next_time():
    statement = read_statement(GBK.read_bytes())
    twice = [statement.lines[0], statement.lines[0], *statement.lines[1:]]
    first, again = fingerprints(twice), fingerprints(twice)
    assert len(set(first)) == len(twice) and first == again
    # a file starting a day later gives the later days' lines the same fingerprints
    assert fingerprints(statement.lines[1:]) == fingerprints(statement.lines)[1:]


def test_invoice_numbers_as_banks_pass_them_on():
    assert invoice_number_in("付 INV-2026-000001 货款") == "INV-2026-000001"
    assert invoice_number_in("inv 2026 000042") == "INV-2026-000042"
    assert invoice_number_in("INV2026000007/SO-2026-000001") == "INV-2026-000007"
    assert invoice_number_in("SO-2026-000009 货款") is None
    assert invoice_number_in("INV-2026-0000011") is None


@pytest.mark.parametrize(
    ("payer", "name", "alike"),
    [
        ("DEMO MANUFACTURING CO LTD", "Demo Manufacturing Co.", True),
        ("演示制造有限公司", "演示制造有限公司", True),
        ("上海演示制造有限公司", "演示制造有限公司", True),
        ("Demo Bank", "Demo Manufacturing Co.", False),
        ("示例制造有限公司", "演示制造有限公司", False),
        ("港湾分销有限公司", "演示制造有限公司", False),
        ("", "演示制造有限公司", False),
    ],
)
def test_payer_names_resemble_account_names(payer, name, alike):
    assert (resemblance(payer, (name,)) >= NAME_THRESHOLD) is alike
