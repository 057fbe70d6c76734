"""The buyer's invoices (list, page, PDF) and finance's invoice pages: what each reads, and who may."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import clock
from portal.db.admin import AuditEntry
from portal.db.billing import CreditNote, FapiaoNumber, Invoice, InvoiceLine
from portal.db.customers import CustomerAccount
from portal.domain.billing.credit_notes import issue_credit_note
from portal.formatting import day, money
from portal.i18n import gettext, using_locale
from tests.billing_helpers import SHIPPING_FEE, shipped_in_three
from tests.helpers import (
    StatementCounter,
    as_staff,
    csrf_token,
    make_customer,
    make_order,
    make_staff,
    sign_in,
    staff_actor,
    text_of,
)
from tests.pdf_reading import read_pdf
from tests.settlement_helpers import credit_note_row, invoice_row


@pytest.fixture
async def three(db):  # noqa: ANN001, ANN201
    """A buyer whose odd order left in three shipments: three invoices; the order."""
    return await shipped_in_three(db)


async def test_the_buyer_lists_the_accounts_invoices_with_their_status(client, db, three):
    buyer, order, issued = three
    finance = staff_actor(await make_staff(db, "finance"))
    await issue_credit_note(db, issued[2], amount=issued[2].total, reason="Returned", actor=finance)
    await db.commit()
    await sign_in(client, buyer.email)

    page = await client.get("/invoices")
    assert page.status_code == 200
    text = text_of(page.text)
    assert all(i.number in text for i in issued)
    assert "credited" in text and "open" in text
    assert f'href="/invoices/{issued[0].number}.pdf"' in page.text

    credited = text_of((await client.get("/invoices?status=credited")).text)
    assert issued[2].number in credited and issued[0].number not in credited
    odd = await client.get("/invoices?status=nonsense&after=%%%")
    assert odd.status_code == 200 and issued[0].number in odd.text

    # and the order page lists the order's invoices, each linked
    detail = await client.get(f"/orders/{order.number}")
    assert all(f'href="/invoices/{i.number}"' in detail.text for i in issued)


async def test_the_invoice_page_is_the_document(client, db, settings, three):
    buyer, order, issued = three
    await sign_in(client, buyer.email)
    invoice = issued[0]
    text = text_of((await client.get(f"/invoices/{invoice.number}")).text)
    with using_locale("en"):
        fee, total, due = (
            money(SHIPPING_FEE),
            money(invoice.total),
            day(invoice.issued_on + timedelta(days=30)),
        )
    for value in (
        settings.seller_name,
        settings.seller_bank_name,
        settings.seller_bank_account,
        "Odd Prices Ltd",
        "91310000MA1FL8XQ37",
        order.number,
        fee,  # the shipping fee, on the first invoice
        total,
        due,
    ):
        assert value in text, value


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_invoice_and_credit_note_pdfs_in_both_languages(client, db, settings, three, locale):
    buyer, _, issued = three
    finance = staff_actor(await make_staff(db, "finance"))
    note = await issue_credit_note(
        db, issued[0], amount=Decimal("10.00"), reason="Late delivery", actor=finance
    )
    await db.commit()
    await sign_in(client, buyer.email)
    headers = {"accept-language": "zh-CN" if locale == "zh_CN" else "en"}

    r = await client.get(f"/invoices/{issued[0].number}.pdf", headers=headers)
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"] == f'attachment; filename="{issued[0].number}.pdf"'
    pdf = read_pdf(r.content).squeezed()
    skus = (await db.scalars(select(InvoiceLine.sku).where(InvoiceLine.invoice_id == issued[0].id))).all()
    with using_locale(locale):
        title = gettext("Invoice %(number)s", number=issued[0].number).replace(" ", "")
        vat = gettext("VAT %(rate)s%%", rate="13").replace(" ", "")
        # the lines, the tax, the total and the due date, as the reader writes them
        figures = [money(issued[0].tax_amount), money(issued[0].total), day(issued[0].due_on)]
    for value in (
        title,
        vat,
        *skus,
        *(f.replace(" ", "").replace("\u00a0", "") for f in figures),
        "OddPricesLtd",
        "91310000MA1FL8XQ37",
        settings.seller_bank_account.replace(" ", ""),
    ):
        assert value in pdf, value
    assert ("发票" in pdf) == (locale == "zh_CN")
    # the seller reads in the document's language: SELLER_NAME_ZH and its bank in Chinese
    chinese, english = settings.seller_name_zh, settings.seller_name.replace(" ", "")
    assert (chinese in pdf, english in pdf) == ((True, False) if locale == "zh_CN" else (False, True))
    assert (settings.seller_bank_name_zh in pdf) == (locale == "zh_CN")

    r = await client.get(f"/credit-notes/{note.number}.pdf", headers=headers)
    assert r.status_code == 200
    pdf = read_pdf(r.content).squeezed()
    assert note.number in pdf and issued[0].number in pdf and "Latedelivery" in pdf
    assert ("贷项通知单" in pdf) == (locale == "zh_CN")
    page = await client.get(f"/credit-notes/{note.number}", headers=headers)
    assert page.status_code == 200 and issued[0].number in page.text and "Late delivery" in page.text
    with using_locale(locale):
        assert gettext("Credit note %(number)s", number=note.number) in text_of(page.text)


async def test_another_accounts_invoices_and_credit_notes_are_not_found(client, db, three):
    _, _, issued = three
    finance = staff_actor(await make_staff(db, "finance"))
    note = await issue_credit_note(db, issued[0], amount=Decimal("1.00"), reason="Goodwill", actor=finance)
    await db.commit()
    stranger = await make_customer(db)
    await sign_in(client, stranger.email)
    for path in (
        f"/invoices/{issued[0].number}",
        f"/invoices/{issued[0].number}.pdf",
        f"/credit-notes/{note.number}",
        f"/credit-notes/{note.number}.pdf",
    ):
        assert (await client.get(path)).status_code == 404, path
    assert issued[0].number not in (await client.get("/invoices")).text


async def _invoices(db, order, n: int) -> None:  # noqa: ANN001
    """``n`` more invoices of ``order``, every other one with a credit note."""
    today = clock.today()
    for _ in range(n):
        invoice = await invoice_row(db, order, "113.00", issued_on=today)
        if invoice.id % 2:
            await credit_note_row(db, invoice, "11.30", issued_on=today)
    await db.commit()


async def _statements(client, path: str) -> int:  # noqa: ANN001
    with StatementCounter(client.app) as counter:
        assert (await client.get(path)).status_code == 200
    return counter.count


async def test_the_invoice_lists_cost_the_same_with_2_and_20_invoices(client, db):
    buyer = await make_customer(db)
    order = await make_order(db, customer=buyer, status="shipped", number="SO-2026-000001")
    await sign_in(client, buyer.email)
    await as_staff(client, db, "finance")
    counts = {}
    for n in (2, 18):
        await _invoices(db, order, n)
        counts[n] = (
            await _statements(client, "/invoices"),
            await _statements(client, "/staff/finance/invoices"),
            await _statements(client, f"/orders/{order.number}"),
        )
    assert counts[2] == counts[18]


async def test_finance_filters_by_status_customer_and_how_long_overdue(client, db, three):
    _, _, issued = three
    other = await make_customer(
        db, account=await db.get(CustomerAccount, (await make_customer(db)).account_id)
    )
    old = await make_order(db, customer=other, status="shipped", number="SO-2026-000099")
    long_ago = clock.today() - timedelta(days=100)
    db.add(
        Invoice(
            number="INV-2025-000001", order_id=old.id, account_id=old.account_id, issued_on=long_ago,
            due_on=long_ago + timedelta(days=30), payment_terms="net", subtotal=Decimal("100.00"),
            tax_amount=Decimal("13.00"), total=Decimal("113.00"),
        )
    )  # fmt: skip
    await db.commit()
    await as_staff(client, db, "finance")

    listed = text_of((await client.get("/staff/finance/invoices")).text)
    assert all(i.number in listed for i in issued) and "INV-2025-000001" in listed
    overdue = text_of((await client.get("/staff/finance/invoices?status=overdue")).text)
    assert "INV-2025-000001" in overdue and issued[0].number not in overdue
    band = text_of((await client.get("/staff/finance/invoices?overdue=61-90")).text)
    assert "INV-2025-000001" in band  # 70 days past its due date
    assert "INV-2025-000001" not in text_of((await client.get("/staff/finance/invoices?overdue=1-30")).text)
    mine = text_of((await client.get(f"/staff/finance/invoices?account={issued[0].account_id}")).text)
    assert issued[0].number in mine and "INV-2025-000001" not in mine


async def test_finance_issues_a_credit_note_from_the_invoice_page(client, db, three):
    buyer, order, issued = three
    _, token = await as_staff(client, db, "finance")
    invoice = issued[0]
    path = f"/staff/finance/invoices/{invoice.number}"

    refused = await client.post(f"{path}/credit-notes", data={"_csrf_token": token, "cn_amount": "50"})
    assert refused.status_code == 422 and "Say why the invoice is credited." in refused.text
    assert await db.scalar(select(CreditNote.id)) is None

    too_much = await client.post(
        f"{path}/credit-notes", data={"_csrf_token": token, "cn_amount": "99999", "reason": "x"}
    )
    assert too_much.status_code == 422 and "can still be credited" in too_much.text

    r = await client.post(
        f"{path}/credit-notes",
        data={"_csrf_token": token, "cn_amount": "50.00", "reason": "Price allowance"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == path
    note = await db.scalar(select(CreditNote))
    assert note.total == Decimal("50.00") and note.issued_by.startswith("Staff")
    page = text_of((await client.get(path)).text)
    assert note.number in page and "Price allowance" in page
    staff_order = await client.get(f"/staff/orders/{order.number}")
    assert f'href="/staff/finance/invoices/{invoice.number}"' in staff_order.text


async def test_finance_records_fapiao_numbers_and_the_audit_log_keeps_them(client, db, three):
    _, _, issued = three
    _, token = await as_staff(client, db, "finance")
    path = f"/staff/finance/invoices/{issued[0].number}/fapiao"
    today = clock.today().isoformat()
    form = {"_csrf_token": token, "fapiao_number": "2631 2000 0000 1234 5678", "fapiao_type": "digital"}

    r = await client.post(path, data={**form, "fapiao_issued_on": today}, follow_redirects=False)
    assert r.status_code == 303
    stored = await db.scalar(select(FapiaoNumber))
    assert stored.fapiao_number == "26312000000012345678" and stored.fapiao_type == "digital"
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.entity == "invoice"))
    assert entry.entity_id == issued[0].number and entry.after["fapiao_number"] == "26312000000012345678"

    again = await client.post(path, data={**form, "fapiao_issued_on": today})
    assert again.status_code == 422 and "already recorded" in again.text
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    bad = await client.post(path, data={**form, "fapiao_number": "12ab", "fapiao_issued_on": tomorrow})
    assert bad.status_code == 422 and "8 to 20 digits" in bad.text and "not in the future" in bad.text

    # the fapiao's kind is worded in the reader's language on the page and the PDF
    for locale in ("zh_CN", "en"):
        with using_locale(locale):
            kind = gettext("digital invoice")
        page = await client.get(f"/staff/finance/invoices/{issued[0].number}", params={"lang": locale})
        assert kind in text_of(page.text)
        pdf = await client.get(f"/staff/finance/invoices/{issued[0].number}.pdf", params={"lang": locale})
        assert pdf.status_code == 200
        assert f"26312000000012345678({kind.replace(' ', '')})" in read_pdf(pdf.content).squeezed()


async def test_only_finance_and_admin_reach_the_finance_pages(client, db, three):
    _, _, issued = three
    await as_staff(client, db, "logistics")
    assert (await client.get("/staff/finance/invoices")).status_code == 403
    token = await csrf_token(client, "/staff/login")
    r = await client.post(
        f"/staff/finance/invoices/{issued[0].number}/credit-notes",
        data={"_csrf_token": token, "cn_amount": "1", "reason": "x"},
    )
    assert r.status_code == 403
    await as_staff(client, db, "admin")
    assert (await client.get(f"/staff/finance/invoices/{issued[0].number}")).status_code == 200
