"""In a real browser: a large order is reviewed, approved, and the buyer signs the confirmation from the e-mail.

The demo buyer's web order of 25 pumps (135,600 incl. VAT) is placed through the domain services
(cart and checkout, as the checkout page does); it is over the first approval threshold, so it
needs the review and one approval. Then three people, each in their own browser context:

1. the demo reviewer finds it in the review queue, reads the automatic checks and approves it with
   a promised delivery date: the order waits for approval;
2. the demo approver finds it in the approval queue and approves it: the confirmation is issued;
3. the real arq worker (a subprocess) mails the confirmation to the buyer (``smtp_sink``); the buyer
   opens the link from the e-mail, signs in, reads the confirmation and accepts and signs it.

Pages are Chinese (the demo accounts' language); expected texts are the English source strings
translated with the app's catalogs, as in ``test_ordering_browser``.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from portal import clock
from portal.db.admin import PortalSetting
from portal.db.customers import Address, CustomerAccount, CustomerUser
from portal.db.engine import make_sessionmaker
from portal.db.orders import Confirmation, Order
from portal.domain.orders import cart
from portal.domain.orders.checkout import CheckoutInput, Limits, checkout
from portal.domain.orders.pricing import policy_from
from portal.formatting import day
from portal.i18n import using_locale
from portal.settings import Settings
from tests.e2e.test_ordering_browser import zh, zh_money, zh_n
from tests.e2e.test_signin_browser import BUYER, NewPage, submit_login
from tests.helpers import customer_actor
from tests.smtp_sink import Sink, body_text

REVIEWER = ("reviewer@example.com", "Reviewer Demo 审核")
APPROVER = ("approver@example.com", "Approver Demo 审批")
ACCOUNT = "Demo Manufacturing Co."
SIGNER = "王伟"  # the name the buyer types to sign
# 25 x 4,800 = 120,000, free shipping, plus 13 % VAT: one approval level (100,000 <= total < 1,000,000)
PUMP = {"sku": "PMP-100", "specs": {"voltage": "380V", "seal": "mechanical"}, "quantity": 25}
TOTAL = Decimal("135600.00")
THRESHOLDS = ["100000", "1000000"]
CREDIT_LIMIT = Decimal("500000.00")
PUMP_LEAD_DAYS = 7
PROMISED_AFTER_DAYS = 14
MAIL_TIMEOUT = 30.0


def zh_day(value) -> str:  # noqa: ANN001 - a date
    with using_locale("zh_CN"):
        return day(value)


@pytest.fixture
async def big_order(demo: None, engine: AsyncEngine, settings: Settings, tmp_path: Path) -> str:
    """The demo buyer's web order of 25 pumps, placed as the checkout page places it; its number."""
    async with make_sessionmaker(engine)() as db:
        # the approval thresholds as an administrator stores them (the defaults, made explicit)
        db.add(PortalSetting(key="approval_thresholds", value=THRESHOLDS, updated_by="test"))
        buyer = await db.scalar(select(CustomerUser).where(CustomerUser.email == BUYER[0]))
        assert buyer is not None
        account = await db.get(CustomerAccount, buyer.account_id)
        address_id = await db.scalar(
            select(Address.id).where(Address.account_id == buyer.account_id, Address.is_default.is_(True))
        )
        actor = customer_actor(buyer)
        policy = policy_from(settings)
        pump = cart.LineInput(0, PUMP["sku"], PUMP["quantity"], dict(PUMP["specs"]))
        await cart.add_line(db, actor, line=pump, policy=policy)
        today = clock.today()
        number = await checkout(
            db,
            actor,
            CheckoutInput(
                requested_delivery_date=today + timedelta(days=PUMP_LEAD_DAYS),
                shipping_address_id=str(address_id),
                invoice_title=account.invoice_title,
                tax_id=account.tax_id,
                idempotency_key=uuid.uuid4().hex,
            ),
            policy=policy,
            today=today,
            limits=Limits(storage=tmp_path / "attachments", max_files=5, max_bytes=1_000_000),
        )
        await db.commit()
        total = await db.scalar(select(Order.total).where(Order.number == number))
    assert total == TOTAL, total
    return number


async def wait_for_mail(sink: Sink, *, to: str, subject: str, worker_log: Path) -> EmailMessage:
    """The first message to ``to`` with ``subject`` that reaches the SMTP sink (other mails may come too)."""

    def poll() -> EmailMessage | None:
        deadline = time.monotonic() + MAIL_TIMEOUT
        while time.monotonic() < deadline:
            with sink.lock:
                for message in sink.messages:
                    if message["Subject"] == subject and to in [a.addr_spec for a in message["To"].addresses]:
                        return message
            time.sleep(0.05)
        return None

    found = await asyncio.to_thread(poll)
    if found is None:
        with sink.lock:
            seen = [(m["To"], m["Subject"]) for m in sink.messages]
        raise AssertionError(
            f"no e-mail {subject!r} to {to} within {MAIL_TIMEOUT:.0f} s; the sink has {seen}; "
            f"worker log:\n{worker_log.read_text(errors='replace')}"
        )
    return found


async def staff_sign_in(new_page: NewPage, email: str, name: str) -> Page:
    """A fresh browser context, signed in at the staff door: the dashboard."""
    page = await new_page()
    await page.goto("/staff/login")
    await submit_login(page, email)
    await expect(page).to_have_url(re.compile(r"/staff/$"))
    await expect(page.locator(".site-header .who")).to_have_text(name)
    return page


async def open_from_queue(page: Page, queue_label: str, state: str, number: str) -> None:
    """From the dashboard: the work queue's card (one order in it), the queue, then the order's page."""
    card = page.locator("ul.cards li.stat").filter(has_text=zh(queue_label))
    await expect(card.locator(".stat-number")).to_have_text("1")
    await card.get_by_role("link").click()
    await expect(page).to_have_url(re.compile(rf"/staff/review\?state={state}$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(zh("Review queue"))
    rows = page.locator("#queue table tbody tr")
    await expect(rows).to_have_count(1)
    row = rows.filter(has=page.get_by_role("link", name=number, exact=True))
    await expect(row).to_have_count(1)
    await expect(row.locator("td").nth(1)).to_contain_text(ACCOUNT)
    await expect(row.locator("td.num")).to_have_text(zh_money(TOTAL))
    await row.get_by_role("link", name=number, exact=True).click()
    await expect(page).to_have_url(re.compile(rf"/staff/orders/{number}$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(zh("Order %(number)s", number=number))


def status_badge(page: Page) -> Locator:
    return page.locator(".page-head .badge")


def timeline_of(page: Page) -> Locator:
    return page.get_by_role("region", name=zh("Timeline")).locator("ol.timeline > li")


async def approve(page: Page, number: str, status: str, entries: int) -> Locator:
    """Approve in the Decision panel; the order's page comes back saying so, with the order in
    ``status`` (English, as the source string) and ``entries`` timeline entries, which it returns."""
    await (
        page.get_by_role("region", name=zh("Decision"))
        .get_by_role("button", name=zh("Approve"), exact=True)
        .click()
    )
    await expect(page).to_have_url(re.compile(rf"/staff/orders/{number}$"))
    await expect(page.locator("#toasts")).to_contain_text(zh("Decision recorded."))
    await expect(status_badge(page)).to_have_text(zh(status))
    timeline = timeline_of(page)
    await expect(timeline).to_have_count(entries)
    return timeline


async def expect_all_checks_pass(page: Page) -> None:
    checks = page.get_by_role("region", name=re.compile(re.escape(zh("Automatic checks"))))
    await expect(checks.get_by_role("heading", level=2)).to_contain_text(zh("pass"))
    await expect(checks.locator("h2 .check")).to_have_class(re.compile(r"\bcheck-pass\b"))
    rows = checks.locator("li.check-row")
    await expect(rows).to_have_count(5)
    for name in ("Stock and lead time", "Credit limit", "Prices", "Order data", "Order lines"):
        row = rows.filter(has_text=zh(name))
        await expect(row).to_have_count(1)
        await expect(row.locator(".check")).to_have_class(re.compile(r"\bcheck-pass\b"))
    await expect(rows.filter(has_text=zh("Credit limit"))).to_contain_text(
        zh(
            "Within the credit limit: %(used)s of %(limit)s.",
            used=zh_money(TOTAL),
            limit=zh_money(CREDIT_LIMIT),
        )
    )
    await expect(checks).to_contain_text(
        zh_n(
            "This amount needs %(num)s approval level after the review.",
            "This amount needs %(num)s approval levels after the review.",
            1,
        )
    )


async def test_reviewer_and_approver_approve_and_the_buyer_signs_the_confirmation_from_the_email(
    new_page: NewPage,
    big_order: str,
    engine: AsyncEngine,
    live_server: str,
    mail_worker: tuple[Sink, Path],
    csp_violations: list[str],
):
    number = big_order
    sink, worker_log = mail_worker
    promised = clock.today() + timedelta(days=PROMISED_AFTER_DAYS)
    # --- 1. the reviewer ---------------------------------------------------------------------
    # given: the demo reviewer, signed in; the order waits in their review queue
    reviewer = await staff_sign_in(new_page, *REVIEWER)

    # when: they open the queue and the order
    await open_from_queue(reviewer, "To review", "submitted", number)

    # then: the order is "to review", every automatic check passes, and one approval level follows
    await expect(status_badge(reviewer)).to_have_text(zh("to review"))
    await expect_all_checks_pass(reviewer)
    lines = reviewer.get_by_role("region", name=zh("Order lines")).locator("tbody tr")
    await expect(lines).to_have_count(1)
    await expect(lines.first).to_contain_text(PUMP["sku"])

    # when: they approve with a promised delivery date and an internal note
    decision = reviewer.get_by_role("region", name=zh("Decision"))
    await decision.get_by_label(zh("Promised delivery date"), exact=True).fill(promised.isoformat())
    await decision.get_by_label(zh("Note (internal)")).fill("Stock checked, 25 pumps reserved.")
    entries = await approve(reviewer, number, "awaiting approval", 2)

    # then: the decision is recorded and the order waits for approval; the reviewer cannot approve again
    passed = entries.last
    await expect(passed.locator(".timeline-text")).to_have_text(zh("Review passed; sent for approval"))
    await expect(passed).to_contain_text(REVIEWER[1])
    await expect(passed.locator("blockquote.note")).to_have_text("Stock checked, 25 pumps reserved.")
    await expect(reviewer.get_by_role("button", name=zh("Approve"), exact=True)).to_have_count(0)

    # --- 2. the approver ---------------------------------------------------------------------
    # given: the demo approver, signed in in another browser context
    approver = await staff_sign_in(new_page, *APPROVER)

    # when: they open the approval queue and the order
    await open_from_queue(approver, "Awaiting approval", "awaiting_approval", number)

    # then: it awaits approval, with the checks and the reviewer's promised date
    await expect(status_badge(approver)).to_have_text(zh("awaiting approval"))
    await expect_all_checks_pass(approver)
    decision = approver.get_by_role("region", name=zh("Decision"))
    await expect(decision.get_by_label(zh("Promised delivery date"), exact=True)).to_have_value(
        promised.isoformat()
    )

    # when: they approve
    entries = await approve(approver, number, "waiting for the customer to confirm", 3)

    # then: the confirmation went to the customer, version 1 waits for their answer
    await expect(entries.last.locator(".timeline-text")).to_have_text(
        zh("Approved; order confirmation sent to the customer")  # staff words, not the buyer's
    )
    await expect(entries.last).to_contain_text(APPROVER[1])
    confirmations = approver.get_by_role("region", name=zh("Order confirmations")).locator("tbody tr")
    await expect(confirmations).to_have_count(1)
    await expect(confirmations.first).to_contain_text("v1")
    await expect(confirmations.first).to_contain_text(zh("waiting for the customer"))
    await expect(approver.get_by_role("button", name=zh("Approve"), exact=True)).to_have_count(0)

    # --- 3. the buyer ------------------------------------------------------------------------
    # given: the confirmation e-mail reaches the buyer, with the link to the confirmation
    subject = zh("Order %(number)s: please accept the order confirmation", number=number)
    mail = await wait_for_mail(sink, to=BUYER[0], subject=subject, worker_log=worker_log)
    text = body_text(mail)
    label = zh("Open the order confirmation")
    found = re.search(rf"^{re.escape(label)}：(\S+)$", text, re.MULTILINE)
    assert found is not None, text
    link = found.group(1)
    assert link == f"{live_server}/orders/{number}/confirmation"
    assert zh_money(TOTAL) in text

    # when: the buyer opens the link in a browser that is not signed in, and signs in
    buyer = await new_page()
    await buyer.goto(link)
    await expect(buyer).to_have_url(re.compile(r"/login\?next="))
    await submit_login(buyer, BUYER[0])

    # then: they are back at the confirmation, which shows what was approved
    await expect(buyer).to_have_url(re.compile(rf"/orders/{number}/confirmation$"))
    await expect(buyer.get_by_role("heading", level=1)).to_have_text(
        zh("Order confirmation %(number)s", number=number)
    )
    document = buyer.get_by_role("region", name=zh("Order confirmation"), exact=True)
    facts = document.locator("dl.facts")
    await expect(facts).to_contain_text(ACCOUNT)
    await expect(
        facts.locator("dt", has_text=zh("Promised delivery date")).locator("xpath=following-sibling::dd[1]")
    ).to_have_text(zh_day(promised))
    doc_lines = document.locator("table tbody tr")
    await expect(doc_lines).to_have_count(1)
    await expect(doc_lines.first).to_contain_text(PUMP["sku"])
    await expect(doc_lines.first.locator("td").nth(3)).to_contain_text(str(PUMP["quantity"]))
    await expect(document.locator("dl.totals dd.grand")).to_have_text(zh_money(TOTAL))
    fingerprint = re.search(r"\b[0-9a-f]{64}\b", await document.locator("p.small").inner_text())
    assert fingerprint is not None
    document_hash = fingerprint.group(0)
    accept = buyer.locator("#accept-form")
    await expect(accept.locator("input[name='document_hash']")).to_have_value(document_hash)

    # when: they type their name, tick the agreement and accept and sign
    await accept.get_by_label(zh("Your full name")).fill(SIGNER)
    await accept.get_by_label(
        zh("I have read this order confirmation and accept it on behalf of %(account)s.", account=ACCOUNT)
    ).check()
    await accept.get_by_role("button", name=zh("Accept and sign")).click()

    # then: the order's page: confirmed, and the signature is on the timeline
    await expect(buyer).to_have_url(re.compile(rf"/orders/{number}$"))
    await expect(buyer.locator("#toasts")).to_contain_text(zh("Thank you: the order is confirmed."))
    await expect(status_badge(buyer)).to_have_text(zh("confirmed"))
    entries = timeline_of(buyer).locator(".timeline-text")
    await expect(entries).to_have_text(
        [
            zh("Order received"),
            zh("Reviewed: the order confirmation is waiting for you"),
            zh("Order confirmation accepted and signed by %(name)s", name=BUYER[1]),
        ]
    )

    # and: the confirmation now shows the signature and no longer asks for an answer
    await buyer.goto(f"/orders/{number}/confirmation")
    await expect(buyer.locator("main .alert-ok")).to_contain_text(SIGNER)
    await expect(buyer.locator("#accept-form")).to_have_count(0)
    await expect(buyer.locator("#decline-form")).to_have_count(0)

    # and: the back office sees the signed version
    await approver.reload()
    await expect(status_badge(approver)).to_have_text(zh("confirmed"))
    await expect(confirmations.first).to_contain_text(zh("signed by %(name)s", name=SIGNER))

    # what was signed is the version the buyer read, with their name
    async with make_sessionmaker(engine)() as db:
        order = await db.scalar(select(Order).where(Order.number == number))
        assert order is not None and order.status == "confirmed"
        assert order.promised_delivery_date == promised
        signed = (await db.scalars(select(Confirmation).where(Confirmation.order_id == order.id))).all()
        assert [(c.version, c.status, c.signer_name, c.content_hash) for c in signed] == [
            (1, "accepted", SIGNER, document_hash)
        ]

    assert csp_violations == []
