"""The statement of account: its numbers add up, ageing buckets meet at their boundaries, each reader
sees only what is theirs, and the page, PDF and CSV say the same in both languages."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest

from portal.domain.billing import statement
from portal.domain.billing.statement import Period, bucket_of
from portal.domain.errors import NotFound
from portal.formatting import money
from portal.i18n import gettext, using_locale
from tests.helpers import (
    customer_actor,
    make_customer,
    make_staff,
    place_orders,
    sign_in,
    staff_actor,
    text_of,
)
from tests.pdf_reading import read_pdf
from tests.settlement_helpers import credit_note_row, invoice_row, pay, reverse

JAN = Period(date(2026, 1, 1), date(2026, 1, 31))
FEB = Period(date(2026, 2, 1), date(2026, 2, 28))
FEB_QUERY = {"from": "2026-02-01", "to": "2026-02-28"}


async def _history(db):  # noqa: ANN001, ANN202
    """Two months of one account's settlement, and another account's invoice; (buyer, documents)."""
    buyer = await make_customer(db)
    account = buyer.account_id
    [order] = await place_orders(db, buyer, 1, status="completed")
    i1 = await invoice_row(db, order, "1000.00", issued_on=date(2026, 1, 10))  # due 9 Feb
    await pay(db, account, "400.00", received_on=date(2026, 1, 20), to=((i1, "400.00"),))
    i2 = await invoice_row(db, order, "500.00", issued_on=date(2026, 2, 5), due_on=date(2026, 3, 7))
    cn = await credit_note_row(db, i2, "100.00", issued_on=date(2026, 2, 10))
    # 600 settles the rest of the first invoice, 100 stays unapplied
    await pay(
        db, account, "700.00", received_on=date(2026, 2, 15), to=((i1, "600.00"),), reference="BANK-0215"
    )
    wrong = await pay(
        db, account, "50.00", received_on=date(2026, 2, 20), to=((i2, "50.00"),), reference="OOPS-1"
    )
    await reverse(db, wrong, received_on=date(2026, 2, 21))
    i3 = await invoice_row(db, order, "300.00", issued_on=date(2026, 2, 25), due_on=date(2026, 2, 25))
    later = await invoice_row(db, order, "999.00", issued_on=date(2026, 3, 1))
    stranger = await make_customer(db)
    [theirs] = await place_orders(db, stranger, 1, status="completed")
    foreign = await invoice_row(db, theirs, "777.00", issued_on=date(2026, 2, 6))
    await db.commit()
    return buyer, {"i1": i1, "i2": i2, "i3": i3, "cn": cn, "later": later, "foreign": foreign}


async def test_the_numbers_add_up(db):
    buyer, docs = await _history(db)
    finance = staff_actor(await make_staff(db, "finance"))
    jan = await statement.statement(db, finance, buyer.account_id, JAN)
    feb = await statement.statement(db, finance, buyer.account_id, FEB)

    assert (jan.opening, jan.invoiced, jan.paid, jan.closing) == (
        0,
        Decimal("1000.00"),
        Decimal("400.00"),
        600,
    )
    assert feb.opening == jan.closing == Decimal("600.00")
    # in date order, the reversed payment and its reversal left out, with the running balance
    assert [(e.number, e.debit, e.credit, e.balance) for e in feb.entries] == [
        (docs["i2"].number, Decimal("500.00"), 0, Decimal("1100.00")),
        (docs["cn"].number, 0, Decimal("100.00"), Decimal("1000.00")),
        ("BANK-0215", 0, Decimal("700.00"), Decimal("300.00")),
        (docs["i3"].number, Decimal("300.00"), 0, Decimal("600.00")),
    ]
    assert (feb.invoiced, feb.credited, feb.paid) == (Decimal("800.00"), Decimal("100.00"), Decimal("700.00"))
    assert feb.opening + feb.invoiced - feb.paid - feb.credited == feb.closing == Decimal("600.00")
    assert feb.entries[-1].balance == feb.closing

    # what was open on 28 February: the credited invoice not yet due, the prepaid one 3 days late,
    # less the 100 paid but not allocated: the closing balance
    ageing = feb.ageing
    assert [(i.number, i.balance, i.days_overdue, i.bucket) for i in ageing.items] == [
        (docs["i3"].number, Decimal("300.00"), 3, "1-30"),
        (docs["i2"].number, Decimal("400.00"), -7, "current"),
    ]
    assert ageing.buckets == {
        "current": Decimal("400.00"),
        "1-30": Decimal("300.00"),
        "31-60": 0,
        "61-90": 0,
        "90+": 0,
    }
    assert ageing.credit == Decimal("100.00") and ageing.total == feb.closing


def test_buckets_meet_at_their_boundaries():
    assert [bucket_of(d) for d in (-3, 0, 1, 30, 31, 60, 61, 90, 91, 400)] == [
        "current",
        "current",
        "1-30",
        "1-30",
        "31-60",
        "31-60",
        "61-90",
        "61-90",
        "90+",
        "90+",
    ]


async def test_ageing_buckets_at_the_boundaries(db):
    buyer = await make_customer(db)
    [order] = await place_orders(db, buyer, 1, status="completed")
    end = date(2026, 6, 30)
    # days overdue at the end date -> amount: each bucket's sum names which invoices fell in it
    late = {
        -5: "256.00",
        0: "1.00",
        1: "2.00",
        30: "4.00",
        31: "8.00",
        60: "16.00",
        61: "32.00",
        90: "64.00",
        91: "128.00",
    }
    for days, total in late.items():
        due = end - timedelta(days=days)
        await invoice_row(db, order, total, issued_on=due - timedelta(days=30), due_on=due)
    await invoice_row(db, order, "5000.00", issued_on=end + timedelta(days=1))  # not issued yet then
    await db.commit()
    period = Period(date(2026, 6, 1), end)
    shown = await statement.statement(db, customer_actor(buyer), buyer.account_id, period)
    assert shown.ageing.buckets == {
        "current": Decimal("257.00"),
        "1-30": Decimal("6.00"),
        "31-60": Decimal("24.00"),
        "61-90": Decimal("96.00"),
        "90+": Decimal("128.00"),
    }
    assert shown.ageing.credit == 0 and shown.ageing.total == shown.closing == Decimal("511.00")


async def test_each_reader_sees_only_their_own_statement(client, db):
    buyer, docs = await _history(db)
    stranger = await make_customer(db)
    with pytest.raises(NotFound):
        await statement.statement(db, customer_actor(stranger), buyer.account_id, FEB)
    with pytest.raises(NotFound):
        await statement.statement(db, staff_actor(await make_staff(db, "finance")), 10**9, FEB)

    await sign_in(client, buyer.email)
    page = await client.get("/account/statement", params=FEB_QUERY)
    assert page.status_code == 200
    text = text_of(page.text)
    assert docs["i2"].number in text and docs["foreign"].number not in text and "OOPS-1" not in text
    with using_locale("en"):
        assert money(Decimal("600.00")) in text
    assert f'href="/invoices/{docs["i2"].number}"' in page.text
    # the buyer reaches no finance page, and no other account's statement through one
    staff_page = await client.get(
        f"/staff/finance/accounts/{buyer.account_id}/statement", follow_redirects=False
    )
    assert staff_page.status_code in (302, 303, 401, 403)
    # the period defaults to this month; odd dates fall back to it
    assert (
        await client.get("/account/statement", params={"from": "2026-13-01", "to": "x"})
    ).status_code == 200

    await sign_in(client, stranger.email)
    theirs = text_of((await client.get("/account/statement", params=FEB_QUERY)).text)
    assert docs["i2"].number not in theirs and docs["foreign"].number not in theirs

    await sign_in(client, (await make_staff(db, "finance")).email, staff=True)
    assert (await client.get("/staff/finance/accounts/999999/statement")).status_code == 404


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
async def test_pdf_and_csv_say_what_the_page_says(client, db, locale):
    buyer, docs = await _history(db)
    await sign_in(client, (await make_staff(db, "finance")).email, staff=True)
    url = f"/staff/finance/accounts/{buyer.account_id}/statement"
    page = await client.get(url, params={**FEB_QUERY, "lang": locale})
    assert page.status_code == 200 and docs["later"].number not in page.text

    sheet = await client.get(url, params={**FEB_QUERY, "format": "csv", "lang": locale})
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    assert sheet.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel then reads UTF-8
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    with using_locale(locale):
        title, closing = gettext("Statement of account"), gettext("Closing balance")
    assert rows[0][0] == title and (title == "对账单") == (locale == "zh_CN")
    assert [r[-1] for r in rows if len(r) > 1 and r[1] == closing] == ["600.00"]
    numbers = [r[2] for r in rows if len(r) > 2]
    assert docs["i2"].number in numbers and "BANK-0215" in numbers and "OOPS-1" not in numbers
    assert rows[-1] == ["400.00", "300.00", "0.00", "0.00", "0.00", "100.00", "600.00"]

    pdf = await client.get(url, params={**FEB_QUERY, "format": "pdf", "lang": locale})
    assert pdf.headers["content-type"] == "application/pdf"
    text = read_pdf(pdf.content).squeezed()
    with using_locale(locale):
        wanted = [gettext("Statement of account"), money(Decimal("600.00")), money(Decimal("1100.00"))]
    assert all(w.replace(" ", "") in text for w in wanted), wanted
    assert docs["i3"].number in text and docs["foreign"].number not in text
