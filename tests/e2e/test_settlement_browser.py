"""In a real browser: settlement (结算) from the bank statement to the closed order and its papers.

The demo orders are seeded as ``make run`` seeds them on 1 December 2026, so their invoices are
``INV-2026-000001``… and the example GBK statement of the repository (``docs/examples/bank``) pays
them: its 16,159.00 line from 演示制造有限公司 is the shipped order's invoice (same amount, similar
payer), its first line names ``INV-2026-000001`` in the reference.

- In Chinese: finance imports the GBK statement at /staff/finance/bank, sees the proposal for the
  shipped order's invoice and confirms it; the buyer sees the invoice paid at /invoices, confirms
  receipt; finance closes the order by hand; the buyer sees it closed and downloads the statement of
  account (CSV and PDF) and the order archive (ZIP). Then the same pages in English.
- Without JavaScript: finance imports, confirms, books a line to an account and sets one aside with
  plain form posts.
- At phone width (390 px), in Chinese and in English: the finance pages and the buyer's invoices and
  statement fit the screen.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from playwright.async_api import Download, Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.billing import BankProfile, Invoice
from portal.db.demo import seed_demo_orders
from portal.db.orders import Order
from portal.domain.billing import bank_import
from portal.domain.billing.bank_matching import MATCH_RULE_LABELS
from portal.domain.billing.views import STATUS_LABELS
from portal.domain.orders.states import ACTION_LABELS
from portal.domain.orders.wording import state_label
from portal.i18n import gettext, using_locale
from portal.settings import Settings
from tests.e2e.test_fulfilment_browser import order_status, staff_sign_in
from tests.e2e.test_phone_width import assert_fits, assert_shown_fits, phone, sign_in
from tests.e2e.test_signin_browser import BUYER, submit_login
from tests.payment_helpers import finance as finance_clerk
from tests.pdf_reading import read_pdf

NewPage = Callable[..., Awaitable[Page]]
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "bank"
GBK = EXAMPLES / "icbc-2026-11-gbk.csv"
ICBC = "中国工商银行 ICBC"  # the demo bank profile that reads it
FINANCE = ("finance@example.com", "Finance Demo 财务")
SEEDED_AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # the invoice numbers of the statement are of 2026
PERIOD_START = "2026-11-01"  # the statement's lines are booked from 25 November on
LOCALES = {"zh-CN": "zh_CN", "en": "en"}


def words(locale: str, message: str, **variables: object) -> str:
    """``message`` as a page in ``locale`` (``zh_CN`` or ``en``) shows it."""
    with using_locale(locale):
        return gettext(message, **variables)


def zh(message: str, **variables: object) -> str:
    return words("zh_CN", message, **variables)


def state(locale: str, code: str, audience: str) -> str:
    with using_locale(locale):
        return state_label(code, audience)


@pytest.fixture
async def invoiced(demo: None, settings: Settings, db: AsyncSession) -> dict[str, str]:
    """The demo orders, seeded on 1 December 2026; the shipped order's number and its one invoice's."""
    with time_machine.travel(SEEDED_AT, tick=True):
        numbers = {state: number for number, state in await seed_demo_orders(settings.database_url)}
    shipped = numbers["shipped"]
    invoices = (
        await db.scalars(
            select(Invoice.number).join(Order, Order.id == Invoice.order_id).where(Order.number == shipped)
        )
    ).all()
    assert len(invoices) == 1, invoices
    return {"order": shipped, "invoice": invoices[0]}


# --- helpers ----------------------------------------------------------------------------------------


async def customer_sign_in(page: Page) -> None:
    await page.goto("/login")
    await submit_login(page, BUYER[0])
    await expect(page).not_to_have_url(re.compile(r"/login"))


async def import_statement(page: Page, locale: str) -> None:
    """On the bank page: choose the ICBC profile and the GBK file, send; the preview shows 5 new lines."""
    await page.goto("/staff/finance/bank/")
    upload = page.locator("form[action='/staff/finance/bank/imports']")
    await upload.get_by_label(words(locale, "Bank"), exact=True).select_option(label=ICBC)
    await upload.get_by_label(words(locale, "Statement file (CSV)")).set_input_files(GBK)
    await upload.get_by_role("button", name=words(locale, "Import and preview")).click()
    await expect(page).to_have_url(re.compile(r"/staff/finance/bank/imports/\d+$"))
    flash = "%(added)s new lines imported, %(known)s already known from earlier imports."
    await expect(page.locator("#toasts")).to_contain_text(words(locale, flash, added=5, known=0))


def bank_line(page: Page, text: str) -> Locator:
    """The row of the import's lines that shows ``text`` (an invoice number, a payer)."""
    return page.locator("table.bank-lines tbody tr").filter(has_text=text)


async def download(page: Page, link: Locator) -> tuple[Download, bytes]:
    async with page.expect_download() as info:
        await link.click()
    got = await info.value
    return got, Path(await got.path()).read_bytes()


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), data[:20]  # Excel reads Chinese right only with a BOM
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def buyer_papers(page: Page, locale: str, order: str, invoice: str) -> None:
    """The buyer downloads the statement of account (CSV, PDF) and the order archive, in ``locale``."""
    w = LOCALES[locale]
    await page.goto(f"/account/statement?from={PERIOD_START}&to={clock.today().isoformat()}")
    await expect(page.get_by_role("heading", level=1)).to_contain_text(words(w, "Statement of account"))
    name, data = await download(page, page.get_by_role("link", name=words(w, "Download CSV (Excel)")))
    assert name.suggested_filename.endswith(".csv"), name.suggested_filename
    rows = read_csv(data)
    assert rows[0][0] == words(w, "Statement of account"), rows[0]
    assert any(invoice in row for row in rows), rows
    assert any(words(w, "Payment received") in row for row in rows), rows
    name, data = await download(page, page.get_by_role("link", name=words(w, "Download PDF")))
    assert name.suggested_filename.endswith(".pdf") and data.startswith(b"%PDF")
    text = read_pdf(data).squeezed()
    assert invoice in text and words(w, "Statement of account").replace(" ", "") in text

    await page.goto(f"/orders/{order}")
    link = page.get_by_role("link", name=words(w, "Download the order archive (ZIP)"))
    name, data = await download(page, link)
    assert name.suggested_filename == f"{order}-archive.zip", name.suggested_filename
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert f"{order}/invoices/{invoice}.pdf" in archive.namelist(), archive.namelist()
    payments = read_csv(archive.read(f"{order}/payments.csv"))
    assert payments[1][1:4] == [invoice, "16159.00", words(w, "bank transfer")], payments
    timeline = read_csv(archive.read(f"{order}/timeline.csv"))
    assert timeline[0][:2] == [words(w, "Time"), words(w, "Event")], timeline[0]


# --- the journey --------------------------------------------------------------------------------------


async def test_finance_confirms_the_bank_match_and_the_buyer_sees_the_order_paid_closed_and_archived(
    new_page: NewPage, invoiced: dict[str, str], csp_violations: list[str]
) -> None:
    order, invoice = invoiced["order"], invoiced["invoice"]

    # given: finance, signed in, imports the GBK statement exported from the bank
    finance = await new_page()
    await staff_sign_in(finance, *FINANCE)
    await import_statement(finance, "zh_CN")
    preview_url = finance.url
    await expect(finance.locator("dl.facts")).to_contain_text(f"{GBK.name} · GB18030")

    # then: the 16,159.00 line is proposed for the shipped order's invoice: same amount, similar payer
    line = bank_line(finance, invoice)
    await expect(line).to_have_count(1)
    await expect(line).to_contain_text("演示制造有限公司")
    await expect(line).to_contain_text(zh(MATCH_RULE_LABELS["amount_and_name"]))
    await expect(line.locator(".badge")).to_have_text(zh("unmatched"))
    await expect(bank_line(finance, "上海未知贸易有限公司")).to_contain_text(zh("no match found"))

    # when: finance confirms the proposal
    await line.get_by_role("button", name=re.compile(rf"^{re.escape(zh('Confirm'))}")).click()

    # then: the payment is recorded and allocated, the line is matched
    await expect(finance).to_have_url(preview_url)
    await expect(finance.locator("#toasts")).to_contain_text(zh("Payment recorded from the bank line."))
    await expect(line.locator(".badge")).to_have_text(zh("matched"))
    await expect(line.get_by_role("link", name=re.compile(zh("Payment %(id)s", id="")))).to_have_count(1)

    # when: the buyer signs in and opens the invoices
    buyer = await new_page()
    await customer_sign_in(buyer)
    await buyer.get_by_role("link", name=zh("Invoices"), exact=True).click()

    # then: the invoice is paid, nothing is due on it
    row = buyer.locator("#invoice-list tbody tr").filter(has_text=invoice)
    await expect(row.locator(".badge")).to_have_text(zh(STATUS_LABELS["paid"]))
    await expect(row.locator("td").last).to_contain_text("0.00")

    # when: the buyer confirms receipt of the order (shipped: the goods have arrived)
    await buyer.goto(f"/orders/{order}")
    await expect(order_status(buyer)).to_have_text(state("zh_CN", "shipped", "customer"))
    await buyer.get_by_role("button", name=zh(ACTION_LABELS["confirm_receipt"])).click()
    await expect(order_status(buyer)).to_have_text(state("zh_CN", "completed", "customer"))

    # and: finance closes it by hand: completed, fully invoiced and paid, nothing open
    await finance.goto(f"/staff/orders/{order}")
    closing = finance.locator("#invoices form").filter(has_text=zh("Close the order"))
    await expect(closing).to_contain_text(
        zh("Everything is invoiced and paid, and nothing is open: the order can be closed and archived.")
    )
    await closing.get_by_role("button", name=zh("Close the order")).click()
    await expect(finance.locator("#toasts")).to_contain_text(zh("The order is closed."))
    await expect(order_status(finance)).to_have_text(state("zh_CN", "closed", "staff"))
    timeline = finance.get_by_role("region", name=zh("Timeline"))
    await expect(timeline).to_contain_text(f"{FINANCE[1]} ({zh('finance')})")  # who, in which role

    # then: the buyer sees the order closed, and downloads the statement of account and the archive
    await buyer.reload()
    await expect(order_status(buyer)).to_have_text(state("zh_CN", "closed", "customer"))
    await buyer_papers(buyer, "zh-CN", order, invoice)

    # --- and in English -----------------------------------------------------------------------------
    finance_en = await new_page(locale="en")
    await staff_sign_in(finance_en, *FINANCE)
    await finance_en.goto(preview_url)
    await expect(finance_en.get_by_role("heading", level=1)).to_have_text("Bank statement import")
    line = bank_line(finance_en, invoice)
    await expect(line.locator(".badge")).to_have_text("matched")
    await expect(line).to_contain_text(MATCH_RULE_LABELS["amount_and_name"])
    buyer_en = await new_page(locale="en")
    await customer_sign_in(buyer_en)
    await buyer_en.goto("/invoices")
    row = buyer_en.locator("#invoice-list tbody tr").filter(has_text=invoice)
    await expect(row.locator(".badge")).to_have_text("paid")
    await buyer_en.goto(f"/orders/{order}")
    await expect(order_status(buyer_en)).to_have_text(state("en", "closed", "customer"))
    await buyer_papers(buyer_en, "en", order, invoice)

    assert csp_violations == []


async def test_finance_imports_and_confirms_without_javascript(
    new_page: NewPage, invoiced: dict[str, str]
) -> None:
    """Every step is a plain form post: the upload, confirming, booking to an account, setting aside."""
    finance = await new_page(java_script_enabled=False)
    await staff_sign_in(finance, *FINANCE)
    await import_statement(finance, "zh_CN")
    preview_url = finance.url

    # confirm the proposal found by the invoice number in the reference
    first = bank_line(finance, "INV-2026-000001 货款")
    await expect(first).to_contain_text(zh(MATCH_RULE_LABELS["reference"]))
    await first.get_by_role("button", name=re.compile(rf"^{re.escape(zh('Confirm'))}")).click()
    await expect(finance).to_have_url(preview_url)
    await expect(finance.locator("#toasts")).to_contain_text(zh("Payment recorded from the bank line."))
    await expect(first.locator(".badge")).to_have_text(zh("matched"))

    # book the unmatched 3,000.00 from 港湾分销 to that account as unapplied credit
    harbour = bank_line(finance, "港湾分销有限公司")
    await harbour.locator("summary").click()
    account = harbour.get_by_label(zh("or the customer account (unapplied credit)"))
    name = await account.locator("option").filter(has_text="Harbour").text_content()
    await account.select_option(label=(name or "").strip())
    await harbour.get_by_role("button", name=zh("Record the payment")).click()
    await expect(finance).to_have_url(preview_url)
    await expect(harbour.locator(".badge")).to_have_text(zh("matched"))
    await expect(harbour).to_contain_text(zh("booked to the account as unapplied credit"))
    # matched (匹配) to the account, but not allocated (核销) to any invoice: the words keep them apart
    await expect(harbour.locator(".badge")).not_to_contain_text("核销")

    # set aside the payer nobody knows
    unknown = bank_line(finance, "上海未知贸易有限公司")
    await unknown.get_by_role("button", name=zh("Not a customer payment")).click()
    await expect(finance.locator("#toasts")).to_contain_text(zh("Line set aside."))
    await expect(unknown.locator(".badge")).to_have_text(zh("ignored"))

    # a wrong invoice number is refused beside its line, the page still whole
    other = bank_line(finance, "SO-2026-000009")
    await other.locator("summary").click()
    await other.get_by_label(zh("Invoice no.")).fill("INV-2099-999999")
    await other.get_by_role("button", name=zh("Record the payment")).click()
    await expect(other.locator(".field-error")).to_have_text(zh("No invoice has this number."))


# --- phone width ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", list(LOCALES))
async def test_finance_and_billing_pages_fit_a_phone(
    new_page: NewPage, invoiced: dict[str, str], db: AsyncSession, locale: str
) -> None:
    clerk = await finance_clerk(db)
    profile_id = await db.scalar(select(BankProfile.id).where(BankProfile.name == ICBC))
    done = await bank_import.import_statement(db, clerk, profile_id, GBK.name, GBK.read_bytes())
    await db.commit()
    imported = done.statement.id

    failures: list[str] = []
    page = await phone(new_page, locale, failures)
    await sign_in(page, "/staff/login", FINANCE[0])
    for path in (
        "/staff/",
        "/staff/finance/bank/",
        f"/staff/finance/bank/imports/{imported}",
        "/staff/finance/bank/profiles",
        f"/staff/finance/bank/profiles/{profile_id}",
        "/staff/finance/invoices",
        f"/staff/finance/invoices/{invoiced['invoice']}",
        "/staff/finance/payments",
        "/staff/finance/payments/new",
        "/staff/finance/credit",
        f"/staff/orders/{invoiced['order']}",
    ):
        await assert_fits(page, path)
    # the import page with every line's correction form open
    await page.goto(f"/staff/finance/bank/imports/{imported}")
    for summary in await page.locator("table.bank-lines summary").all():
        await summary.click()
    await assert_shown_fits(page, "the import with every correction form open")

    # after confirming a line: its payment, and the customer's statement as finance sees it
    confirm = bank_line(page, invoiced["invoice"]).locator("form[action$='/confirm']").first
    await confirm.get_by_role("button").click()
    payment = bank_line(page, invoiced["invoice"]).locator("a[href^='/staff/finance/payments/']")
    await assert_fits(page, await payment.get_attribute("href"))
    account = await db.scalar(select(Invoice.account_id).where(Invoice.number == invoiced["invoice"]))
    await assert_fits(page, f"/staff/finance/accounts/{account}/statement?from={PERIOD_START}")

    buyer = await phone(new_page, locale, failures)
    await customer_sign_in(buyer)
    for path in ("/invoices", f"/invoices/{invoiced['invoice']}", f"/account/statement?from={PERIOD_START}"):
        await assert_fits(buyer, path)
    assert failures == []
