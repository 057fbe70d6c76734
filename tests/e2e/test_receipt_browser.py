"""In a real browser, phone-sized and without JavaScript: the demo buyer reports a damaged line with a
photo on the receipt form; the order page shows the after-sales case and its photo, and after-sales
staff find the case on their dashboard and on the staff order page (in English).
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
# an image's natural width once it has loaded (0 if it fails): it loads lazily, maybe after "visible"
LOADED_WIDTH = """img => img.complete ? img.naturalWidth : new Promise((done) => {
  img.addEventListener("load", () => done(img.naturalWidth), {once: true});
  img.addEventListener("error", () => done(0), {once: true});
})"""


def damage_photo(tmp_path) -> str:  # noqa: ANN001
    """A real 800 x 600 JPEG in ``tmp_path``: what a phone's camera would upload."""
    path = tmp_path / "damage.jpg"
    Image.new("RGB", (800, 600), (180, 40, 40)).save(path, "JPEG")
    return str(path)


async def test_buyer_reports_a_damaged_line_with_a_photo(
    new_page: NewPage, settings: Settings, tmp_path
) -> None:  # noqa: ANN001
    delivered = next(n for n, state in await seed_demo_orders(settings.database_url) if state == "delivered")
    page = await new_page(locale="en", java_script_enabled=False, viewport=PHONE)
    await sign_in(page, "/login", "buyer@example.com")
    await page.goto(f"/orders/{delivered}")
    await page.get_by_role("link", name="Report short or damaged goods").click()
    await expect(page).to_have_url(re.compile(rf"/orders/{delivered}/receipt$"))
    await assert_shown_fits(page, "the receipt form")
    line = page.locator("fieldset.receipt-line").first
    await line.get_by_label("Damaged (quantity)").fill("1")
    await line.get_by_label("What is damaged? (needed for damaged items)").fill("Flange cracked")
    await page.get_by_label("Photos of the damage").set_input_files(damage_photo(tmp_path))
    await page.get_by_role("button", name="Confirm receipt").click()

    await expect(page).to_have_url(re.compile(rf"/orders/{delivered}(#aftersales)?$"))
    case = page.locator("#aftersales")
    await expect(case).to_contain_text(re.compile(r"Case AS-\d{4}-\d{6}"))
    await expect(case).to_contain_text("Flange cracked")
    photo = case.locator("img").first
    await expect(photo).to_be_visible()
    assert await photo.evaluate(LOADED_WIDTH) == 800  # served, decoded, re-encoded
    number = re.search(r"AS-\d{4}-\d{6}", await case.inner_text()).group(0)
    await expect(page.locator("#timeline-h").locator("..")).to_contain_text(f"after-sales case {number}")
    await assert_shown_fits(page, "the order page with its case")

    staff = await new_page(locale="en", viewport=PHONE)
    await sign_in(staff, "/staff/login", "aftersales@example.com")
    await staff.goto("/staff/")
    await staff.get_by_role("link", name=number).click()
    await expect(staff.locator("#aftersales")).to_contain_text("Flange cracked")
    await expect(staff.locator("#aftersales img").first).to_be_visible()
