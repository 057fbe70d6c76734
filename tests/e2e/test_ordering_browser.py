"""In a real browser: the demo buyer orders two products with specifications and gets the receipt e-mail.

The buyer searches the catalog, adds PMP-100 and VLV-DN50 with chosen specs, checks out with
a PDF attachment and sees the new order with its lines, attachment and timeline. The real arq
worker (a subprocess) then delivers the "order received" e-mail from the outbox to a real SMTP
server in the test (``smtp_sink``).

The page is Chinese (the demo account's language); expected texts are written as the English
source strings and translated with the app's own catalogs (``zh``), so the assertions read like
the templates and hold whether or not a message has a Chinese translation yet.
"""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from playwright.async_api import Locator, Page, expect

from portal import clock
from portal.db.demo_labels import TERMS, UNITS
from portal.formatting import money
from portal.i18n import gettext, ngettext, using_locale
from tests.e2e.test_signin_browser import BUYER, submit_login
from tests.smtp_sink import Sink, body_text

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ORDER_NUMBER = re.compile(r"/orders/(SO-\d{4}-\d{6})$")
# the demo prices (no account prices): 2 x 4800 + 10 x 680 = 16,400, over the free-shipping
# threshold of 10,000, plus 13 % VAT
PUMP = {"sku": "PMP-100", "specs": {"voltage": "380V", "seal": "packing"}, "quantity": 2}
VALVE = {"sku": "VLV-DN50", "specs": {"material": "stainless steel", "pressure": "PN25"}, "quantity": 10}
SUBTOTAL = Decimal("16400.00")
TOTAL = Decimal("18532.00")
PUMP_LEAD_DAYS = 7  # the longer lead time of the two: sets the earliest delivery date


def zh(message: str, **variables: object) -> str:
    """``message`` as the Chinese page shows it."""
    with using_locale("zh_CN"):
        return gettext(message, **variables)


def zh_n(singular: str, plural: str, n: int) -> str:
    with using_locale("zh_CN"):
        return ngettext(singular, plural, n)


def zh_money(value: Decimal) -> str:
    with using_locale("zh_CN"):
        return money(value)


async def search(page: Page, text: str, sku: str) -> Locator:
    """Type into the catalog search; htmx replaces the results. Returns the one product card found."""
    await page.get_by_label(zh("Search by SKU or product name")).fill(text)
    results = page.get_by_role("region", name=zh("Products"))
    cards = results.locator(".product-card")
    await expect(cards).to_have_count(1)  # from 24 products down to the one that matches
    await expect(cards.locator(".product-sku")).to_have_text(sku)
    await expect(page).to_have_url(re.compile(r"/catalog\?q="))  # hx-push-url keeps the search
    return cards


def zh_term(word: str) -> str:
    """A unit, option name or option value as the Chinese pages show it (the demo catalog's labels)."""
    return {**TERMS, **UNITS}.get(word, (word,))[0]


async def add_to_cart(page: Page, product: dict, unit: str, lines_in_cart: int) -> None:
    """On the product page: choose the specs and the quantity, add; htmx shows the confirmation."""
    await expect(page.locator(".product-detail .product-sku")).to_have_text(product["sku"])
    for option, choice in product["specs"].items():
        await page.get_by_label(zh_term(option), exact=True).select_option(choice)
    await page.get_by_label(zh("Quantity (%(unit)s)", unit=zh_term(unit))).fill(str(product["quantity"]))
    await page.get_by_role("button", name=zh("Add to cart")).click()
    status = page.locator("#cart-status")
    await expect(status.get_by_role("status")).to_contain_text(zh("Added to your cart."))
    await expect(status.get_by_role("link")).to_have_text(
        zh_n("View cart (%(num)s line)", "View cart (%(num)s lines)", lines_in_cart)
    )


async def expect_line(rows: Locator, product: dict) -> None:
    """The table row of ``product`` shows each chosen spec as ``option: choice`` (in any order)."""
    row = rows.filter(has_text=product["sku"])
    await expect(row).to_have_count(1)
    tags = row.locator(".tag")
    await expect(tags).to_have_count(len(product["specs"]))
    for option, choice in product["specs"].items():
        await expect(
            tags.filter(has_text=re.compile(rf"^{re.escape(f'{zh_term(option)}：{zh_term(choice)}')}$"))
        ).to_have_count(1)


async def test_buyer_orders_two_products_with_specs_and_an_attachment_and_gets_the_receipt_email(
    page: Page,
    live_server: str,
    mail_worker: tuple[Sink, Path],
    tmp_path: Path,
    csp_violations: list[str],
):
    sink, worker_log = mail_worker
    drawing = tmp_path / "pump-drawing.pdf"
    drawing.write_bytes(PDF)

    # given: the demo buyer, signed in
    await page.goto("/login")
    await submit_login(page, BUYER[0])
    await expect(page).to_have_url(re.compile(r"/orders$"))

    # when: they search the catalog by SKU and open the pump
    await page.goto("/catalog")
    await expect(page.get_by_role("heading", level=1)).to_have_text(zh("Catalog"))
    card = await search(page, "pmp-100", "PMP-100")
    await card.get_by_role("link", name="离心泵 100型").click()
    await expect(page).to_have_url(re.compile(r"/catalog/PMP-100$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text("离心泵 100型")

    # and: add two of them, 380 V with packing seal
    await add_to_cart(page, PUMP, "pcs", lines_in_cart=1)

    # when: they search by Chinese name for the gate valve and add ten in stainless steel, PN25
    await page.get_by_role("navigation", name=zh("Main")).get_by_role("link", name=zh("Catalog")).click()
    await expect(page).to_have_url(re.compile(r"/catalog$"))
    card = await search(page, "闸阀 DN50", "VLV-DN50")
    await card.get_by_role("link", name="闸阀 DN50").click()
    await expect(page).to_have_url(re.compile(r"/catalog/VLV-DN50$"))
    await add_to_cart(page, VALVE, "pcs", lines_in_cart=2)

    # then: the cart holds both lines with their specs and quantities, and the total
    await page.goto("/cart")
    rows = page.locator("table.cart-table tbody tr")
    await expect(rows).to_have_count(2)
    await expect_line(rows, PUMP)
    await expect_line(rows, VALVE)
    await expect(rows.filter(has_text="PMP-100").get_by_role("spinbutton")).to_have_value("2")
    await expect(rows.filter(has_text="VLV-DN50").get_by_role("spinbutton")).to_have_value("10")
    totals = page.locator("#cart dl.totals")
    await expect(totals.locator("dd").first).to_have_text(zh_money(SUBTOTAL))
    await expect(totals.locator("dd.grand")).to_have_text(zh_money(TOTAL))

    # when: they go to checkout
    before = clock.today()
    await page.get_by_role("link", name=zh("Proceed to checkout")).click()
    await expect(page).to_have_url(re.compile(r"/checkout$"))
    after = clock.today()

    # then: the earliest possible delivery date is proposed, and the default address chosen
    delivery_date = page.get_by_label(zh("Requested delivery date"))
    earliest = {(d + timedelta(days=PUMP_LEAD_DAYS)).isoformat() for d in (before, after)}
    proposed = await delivery_date.input_value()
    assert proposed in earliest
    await expect(delivery_date).to_have_attribute("min", proposed)
    address = page.get_by_role("group", name=zh("Delivery address"))
    await expect(address.get_by_role("radio", name="Plant 1")).to_be_checked()
    await expect(page.locator("#checkout-form dd.grand")).to_have_text(zh_money(TOTAL))

    # when: they attach a drawing and place the order
    await page.get_by_label(zh("Attachments (drawings, specifications)")).set_input_files(drawing)
    await page.get_by_role("button", name=zh("Place order")).click()

    # then: the new order's page, with the lines, the attachment and the first timeline entry
    await expect(page).to_have_url(ORDER_NUMBER)
    match = ORDER_NUMBER.search(page.url)
    assert match is not None
    number = match.group(1)
    await expect(page.get_by_role("heading", level=1)).to_have_text(zh("Order %(number)s", number=number))
    await expect(page.locator("#toasts")).to_contain_text(
        zh("Thank you! Your order %(number)s has been placed.", number=number)
    )
    lines = page.get_by_role("region", name=zh("Order lines")).locator("tbody tr")
    await expect(lines).to_have_count(2)
    await expect_line(lines, PUMP)
    await expect_line(lines, VALVE)
    await expect(page.locator("dl.totals dd.grand")).to_have_text(zh_money(TOTAL))
    attachment = page.get_by_role("link", name="pump-drawing.pdf")
    await expect(attachment).to_have_attribute("href", re.compile(rf"^/orders/{number}/attachments/\d+$"))
    async with page.expect_download() as download:
        await attachment.click()
    assert (await download.value).suggested_filename == "pump-drawing.pdf"
    assert Path(await (await download.value).path()).read_bytes() == PDF
    timeline = page.get_by_role("region", name=zh("Timeline")).locator("ol.timeline > li")
    await expect(timeline).to_have_count(1)
    await expect(timeline.locator(".timeline-text")).to_have_text(zh("Order received"))

    # and: the receipt e-mail reaches the SMTP server, with the link to the order
    try:
        messages = await asyncio.to_thread(sink.wait_for, 1, 30)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; worker log:\n{worker_log.read_text(errors='replace')}") from None
    assert len(messages) == 1, [m["Subject"] for m in messages]
    mail = messages[0]
    assert [a.addr_spec for a in mail["To"].addresses] == [BUYER[0]]
    assert number in mail["Subject"]
    assert mail["Subject"] == zh("Order %(number)s received", number=number)
    text = body_text(mail)
    order_link = f"{live_server}/orders/{number}"
    assert order_link in text
    assert zh_money(TOTAL) in text

    # and: the link in the e-mail opens the order
    await page.goto(order_link)
    await expect(page.get_by_role("heading", level=1)).to_have_text(zh("Order %(number)s", number=number))

    assert csp_violations == []
