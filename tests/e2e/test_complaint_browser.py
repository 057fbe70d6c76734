"""In a real browser, phone-sized and without JavaScript: the demo buyer opens a complaint ticket with a
photo about an order; after-sales find it in their queue, claim it and answer; the buyer reads the
answer in the thread (in English).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from PIL import Image
from playwright.async_api import Page, expect

from portal.db.demo import seed_demo_orders
from portal.settings import Settings
from tests.e2e.test_phone_width import PHONE, assert_shown_fits, sign_in

NewPage = Callable[..., Awaitable[Page]]


async def test_buyer_complains_and_after_sales_answer(
    new_page: NewPage, settings: Settings, tmp_path
) -> None:  # noqa: ANN001
    delivered = next(n for n, state in await seed_demo_orders(settings.database_url) if state == "delivered")
    photo = tmp_path / "scratch.jpg"
    Image.new("RGB", (640, 480), (40, 40, 180)).save(photo, "JPEG")
    page = await new_page(locale="en", java_script_enabled=False, viewport=PHONE)
    await sign_in(page, "/login", "buyer@example.com")
    await page.goto(f"/orders/{delivered}")
    await page.get_by_role("link", name="Complain or give feedback about this order").click()
    await assert_shown_fits(page, "the new ticket form")
    await page.get_by_label("Subject").fill("Scratched housings")
    await page.get_by_label("Category").select_option("quality")
    await expect(page.get_by_label("Order (optional)")).to_have_value(delivered)
    await page.get_by_label("Your message").fill("Three housings arrived scratched.")
    await page.get_by_label("Photos (optional)").set_input_files(str(photo))
    await page.get_by_role("button", name="Send the ticket").click()
    await expect(page).to_have_url(re.compile(r"/complaints/AS-\d{4}-\d{6}$"))
    number = page.url.rsplit("/", 1)[1]
    toast = page.locator(".toast", has_text=number)
    await expect(toast).to_be_visible()
    await toast.locator(".toast-close").click()  # no JavaScript: the toast still closes
    await expect(toast).to_be_hidden()
    await expect(page.locator("#thread")).to_contain_text("Three housings arrived scratched.")
    await expect(page.locator("#thread img").first).to_be_visible()
    await assert_shown_fits(page, "the ticket")

    staff = await new_page(locale="en", java_script_enabled=False, viewport=PHONE)
    await sign_in(staff, "/staff/login", "aftersales@example.com")
    await staff.goto("/staff/aftersales?kind=complaint")
    await assert_shown_fits(staff, "the after-sales queue")
    row = staff.locator("tr", has_text=number)
    await row.get_by_role("button", name="Claim").click()
    await expect(staff.locator("tr", has_text=number)).not_to_contain_text("Claim")
    await staff.get_by_role("link", name=number).click()
    await staff.get_by_label("Your answer").fill("Sorry: replacements leave tomorrow.")
    await staff.get_by_role("button", name="Send").click()
    await expect(staff.locator("h1")).to_contain_text("waiting for the customer")

    await page.reload()
    await expect(page.locator("#thread")).to_contain_text("Sorry: replacements leave tomorrow.")
    await expect(page.locator("h1")).to_contain_text("waiting for your answer")
