"""导入银行流水 with the example statements against the demo data: proposals, confirming, correcting,
setting aside, and importing the same or an overlapping file again."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select

from portal.db.billing import BankProfile, BankStatementLine, Payment
from portal.db.customers import CustomerAccount
from portal.db.demo import DEMO_PASSWORD, seed_demo
from portal.db.outbox import OutboxMessage
from portal.domain.billing import bank_import, payment_views, payments
from portal.domain.billing.balances import InvoiceStatus
from portal.domain.errors import ValidationFailed
from tests.helpers import as_staff, sign_in, text_of
from tests.payment_helpers import finance, invoice_by_number, standing

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples" / "bank"
GBK = (EXAMPLES / "icbc-2026-11-gbk.csv").read_bytes()
UTF8 = (EXAMPLES / "demo-bank-2026-11-utf8.csv").read_bytes()


@pytest.fixture
async def demo(settings, db):  # noqa: ANN001, ANN201
    """The demo data as `make run` seeds it on 1 December 2026 (its invoices INV-2026-000001…4)."""
    with time_machine.travel(datetime(2026, 12, 1, 2, 0, tzinfo=UTC), tick=True):
        assert await seed_demo(settings.database_url)
        yield


async def _profile(db, name: str) -> int:  # noqa: ANN001
    return await db.scalar(select(BankProfile.id).where(BankProfile.name == name))


async def _lines(db) -> list[BankStatementLine]:  # noqa: ANN001
    stmt = select(BankStatementLine).order_by(BankStatementLine.id).execution_options(populate_existing=True)
    return list(await db.scalars(stmt))


async def _count(db, model) -> int:  # noqa: ANN001
    return await db.scalar(select(func.count()).select_from(model))


async def _import(db, clerk, content: bytes, profile: str = "中国工商银行 ICBC", name: str = "icbc.csv"):  # noqa: ANN001, ANN202
    done = await bank_import.import_statement(db, clerk, await _profile(db, profile), name, content)
    await db.commit()
    return done


async def test_the_gbk_statement_proposes_the_right_invoices_and_finance_confirms_them(db, demo):
    clerk = await finance(db)
    done = await _import(db, clerk, GBK)
    assert (done.added, done.known, done.debits, done.skipped) == (5, 0, 1, 1)
    assert done.statement.encoding == "gb18030"

    lines = await _lines(db)
    numbers = {i: (await invoice_by_number(db, f"INV-2026-00000{i}")) for i in (1, 2, 3, 4)}
    assert [(ln.proposed_invoice_id, ln.match_rule) for ln in lines] == [
        (numbers[1].id, "reference"),  # "付 INV-2026-000001 货款"
        (
            numbers[2].id,
            "amount_and_name",
        ),  # 16,159.00 from 演示制造有限公司, the demo account's invoice title
        (numbers[3].id, "reference"),  # a part payment of INV-2026-000003
        (None, ""),  # 港湾分销: no invoice of 3,000.00
        (None, ""),  # a payer nobody knows
    ]

    first = await bank_import.confirm_line(db, clerk, lines[0].id, bank_import.LineChoice())
    await db.commit()
    again = await bank_import.confirm_line(db, clerk, lines[0].id, bank_import.LineChoice())
    await db.commit()
    assert first.created and not again.created and again.payment.id == first.payment.id
    for line in lines[1:3]:
        await bank_import.confirm_line(db, clerk, line.id, bank_import.LineChoice())
    harbour = await db.scalar(select(CustomerAccount.id).where(CustomerAccount.name.like("Harbour%")))
    await bank_import.confirm_line(db, clerk, lines[3].id, bank_import.LineChoice(account_id=harbour))
    await bank_import.ignore_line(db, clerk, lines[4].id)
    await db.commit()

    assert (await standing(db, numbers[1]))[1] == InvoiceStatus.PAID
    assert (await standing(db, numbers[2]))[1] == InvoiceStatus.PAID
    assert await standing(db, numbers[3]) == (
        numbers[3].total - Decimal("1000.00"),
        InvoiceStatus.PARTLY_PAID,
    )
    assert [ln.status for ln in await _lines(db)] == ["matched"] * 4 + ["ignored"]
    booked = list(await db.scalars(select(Payment).order_by(Payment.id)))
    assert [(p.amount, p.received_on.isoformat(), p.method) for p in booked] == [
        (Decimal("10452.50"), "2026-11-25", "bank_transfer"),
        (Decimal("16159.00"), "2026-11-26", "bank_transfer"),
        (Decimal("1000.00"), "2026-11-26", "bank_transfer"),
        (Decimal("3000.00"), "2026-11-27", "bank_transfer"),
    ]
    (credit,) = await payment_views.unapplied_credit(db)
    assert (credit.account_id, credit.unapplied) == (harbour, Decimal("3000.00"))
    mails = await db.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.template == "payment_received")
    )
    assert mails == 3  # one per invoice paid; the Harbour credit reached no invoice yet

    # a matched line is not set aside; reversing its payment makes it unmatched again, to confirm anew
    line_id, payment_id = lines[0].id, first.payment.id
    with pytest.raises(ValidationFailed):
        await bank_import.ignore_line(db, clerk, line_id)
    await db.rollback()
    await payments.reverse_payment(db, clerk, payment_id, "Confirmed too early")
    await db.commit()
    assert (await _lines(db))[0].status == "unmatched"
    anew = await bank_import.confirm_line(db, clerk, line_id, bank_import.LineChoice())
    await db.commit()
    assert anew.created and anew.payment.id not in (payment_id, None)
    assert (await standing(db, numbers[1]))[1] == InvoiceStatus.PAID


async def test_importing_the_same_or_an_overlapping_file_again_adds_nothing_twice(db, demo):
    clerk = await finance(db)
    await _import(db, clerk, GBK)
    (first, *_rest) = await _lines(db)
    await bank_import.confirm_line(db, clerk, first.id, bank_import.LineChoice())
    await db.commit()

    again = await _import(db, clerk, GBK)
    assert (again.added, again.known) == (0, 5)

    # the next export starts a day later and brings one new line
    text = GBK.decode("gb18030").splitlines()
    kept = [row for row in text if not row.startswith("2026/11/25")]
    kept.insert(
        -1, '2026/11/28,货款,演示制造有限公司,6222 0210 0100 1234 567,,"10,622.00","1,250,008.50",货款'
    )
    overlapping = await _import(db, clerk, "\r\n".join(kept).encode("gbk"), name="icbc-2.csv")
    assert (overlapping.added, overlapping.known) == (1, 4)

    lines = await _lines(db)
    assert len(lines) == 6 and lines[-1].amount == Decimal("10622.00")
    assert lines[-1].match_rule == "amount_and_name"  # INV-2026-000004, 10,622.00, 演示制造
    assert await _count(db, Payment) == 1  # nothing booked twice


async def test_a_profile_without_columns_learns_them_from_its_first_file(db, demo):
    clerk = await finance(db)
    done = await _import(db, clerk, UTF8, profile="Demo Bank (semicolons)", name="demo-bank.csv")
    assert (done.added, done.debits) == (2, 2) and done.statement.encoding == "utf-8"
    profile = await db.get(BankProfile, await _profile(db, "Demo Bank (semicolons)"), populate_existing=True)
    assert profile.mapping["date"] == "Booking date" and profile.mapping["amount"] == "Amount"
    assert profile.mapping["delimiter"] == ";"
    fourth = await invoice_by_number(db, "INV-2026-000004")
    lines = await _lines(db)
    assert [(ln.proposed_invoice_id, ln.match_rule) for ln in lines] == [
        (fourth.id, "amount_and_name"),  # DEMO MANUFACTURING CO LTD ~ Demo Manufacturing Co.
        (None, ""),
    ]


async def test_a_file_that_is_no_statement_is_refused(db, demo):
    clerk = await finance(db)
    profile_id = await _profile(db, "中国工商银行 ICBC")
    for content, message in (
        (b"", "Choose the CSV file exported from the bank."),
        (
            b"\x00\xff odd file",
            "The file's encoding is not recognised: export it from the bank as UTF-8 or GBK.",
        ),
        (
            UTF8,
            "No header row with the columns %(columns)s was found. Check the bank profile's column names.",
        ),
    ):
        with pytest.raises(ValidationFailed) as refused:
            await bank_import.import_statement(db, clerk, profile_id, "x.csv", content)
        assert refused.value.errors == {"statement": message}
        await db.rollback()
    assert await _count(db, BankStatementLine) == 0


async def test_finance_imports_and_confirms_through_the_pages_and_the_buyer_sees_the_invoice_paid(
    client, db, demo
):
    _, token = await as_staff(client, db, "finance")
    assert "中国工商银行 ICBC" in (await client.get("/staff/finance/bank/")).text
    profile_id = str(await _profile(db, "中国工商银行 ICBC"))

    upload = {"_csrf_token": token, "profile_id": profile_id}
    odd = await client.post(
        "/staff/finance/bank/imports", data=upload, files={"statement": ("x.csv", b"\xff\x00", "text/csv")}
    )
    assert odd.status_code == 422 and "encoding is not recognised" in odd.text
    r = await client.post(
        "/staff/finance/bank/imports",
        data=upload,
        files={"statement": ("icbc-2026-11-gbk.csv", GBK, "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    preview_url = r.headers["location"]
    preview = text_of((await client.get(preview_url)).text)
    for seen in (
        "INV-2026-000001",
        "演示制造有限公司",
        "invoice no. in the reference",
        "same amount, similar payer",
    ):
        assert seen in preview
    assert "no match found" in preview

    first, *_, last = await _lines(db)
    import_id = preview_url.rsplit("/", 1)[1]
    confirm = f"/staff/finance/bank/lines/{first.id}/confirm"
    r = await client.post(
        confirm, data={"_csrf_token": token, "import_id": import_id}, follow_redirects=False
    )
    assert (r.status_code, r.headers["location"]) == (303, preview_url)
    r = await client.post(confirm, data={"_csrf_token": token, "import_id": import_id})
    assert "This line was confirmed before" in r.text
    assert await _count(db, Payment) == 1

    wrong = {"_csrf_token": token, "import_id": import_id, "invoice": "INV-2099-999999"}
    r = await client.post(f"/staff/finance/bank/lines/{last.id}/confirm", data=wrong, follow_redirects=False)
    assert r.status_code == 422 and "No invoice has this number." in r.text
    r = await client.post(
        f"/staff/finance/bank/lines/{last.id}/ignore", data={"_csrf_token": token}, follow_redirects=False
    )
    assert (r.status_code, r.headers["location"]) == (303, "/staff/finance/bank/")

    await sign_in(client, "buyer@example.com", DEMO_PASSWORD)
    invoice = text_of((await client.get("/invoices/INV-2026-000001")).text)
    assert "paid" in invoice and "付 INV-2026-000001 货款" in invoice


async def test_bank_profiles_are_kept_per_bank(client, db, demo):
    _, token = await as_staff(client, db, "finance")
    half = {"_csrf_token": token, "name": "Bank of Testing", "col_date": "Datum"}
    r = await client.post("/staff/finance/bank/profiles", data=half, follow_redirects=False)
    assert r.status_code == 422 and "Name the date column and either" in r.text
    whole = {**half, "col_amount": "Betrag", "col_payer": "Name", "delimiter": "semicolon", "decimal": ","}
    r = await client.post("/staff/finance/bank/profiles", data=whole, follow_redirects=False)
    assert r.status_code == 303
    saved = await db.scalar(select(BankProfile).where(BankProfile.name == "Bank of Testing"))
    assert saved.mapping == {
        "date": "Datum",
        "amount": "Betrag",
        "payer": "Name",
        "delimiter": ";",
        "decimal": ",",
    }
    page = await client.get(f"/staff/finance/bank/profiles/{saved.id}")
    assert 'value="Betrag"' in page.text and '<option value="semicolon" selected' in page.text
    taken = {**whole, "name": "中国工商银行 ICBC"}
    r = await client.post(f"/staff/finance/bank/profiles/{saved.id}", data=taken, follow_redirects=False)
    assert r.status_code == 422 and "A bank profile of this name exists already." in r.text
