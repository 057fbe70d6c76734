"""The satisfaction survey in a real browser at phone width, without JavaScript: link, answer, follow-up."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from portal.auth.survey_links import SurveyLinks
from portal.db.demo import tracked_demo_orders
from portal.settings import Settings
from tests.e2e.test_phone_width import PHONE, NewPage, assert_fits, assert_shown_fits, demo_orders, sign_in

__all__ = ["demo_orders"]  # the fixture, shared with the phone-width pages


@pytest.mark.parametrize("locale", ["en"])
async def test_a_buyer_rates_an_order_2_of_5_from_the_link_and_after_sales_see_it(
    new_page: NewPage, demo_orders: dict[str, str], settings: Settings, locale: str
) -> None:
    number = demo_orders["delivered"]
    order_id = next(oid for n, _s, oid, _v in await tracked_demo_orders(settings.database_url) if n == number)
    link = SurveyLinks(settings.secret_key, ttl_days=settings.survey_link_days).survey_path(order_id)

    # signed out, JavaScript off, on a phone: the e-mailed link opens the form
    page = await new_page(locale=locale, java_script_enabled=False)
    await page.set_viewport_size(PHONE)
    await assert_fits(page, link)
    form = page.locator("form.survey-form")
    for name, score in (("csat_overall", "2"), ("csat_delivery", "3"), ("csat_quality", "4"), ("nps", "5")):
        await form.locator(f"label.score:has(input[name='{name}'][value='{score}'])").click()
    await form.locator("#survey-comment").fill("The second crate was late.")
    await form.locator("button[type='submit']").click()
    await expect(page.locator("#survey")).to_contain_text("Thank you: your answer was received")
    await expect(page.locator("#survey")).to_contain_text("2 of 5")
    await expect(page.locator("form.survey-form")).to_have_count(0)  # read-only from now on
    await assert_shown_fits(page, "the answered survey")

    # a tampered link: the friendly page, not an error
    response = await page.goto(link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB"))
    assert response is not None and response.status == 404
    await expect(page.locator("h1")).to_contain_text("This survey link is not valid")

    # the buyer's e-mail settings fit a phone too
    buyer = await new_page(locale=locale)
    await buyer.set_viewport_size(PHONE)
    await sign_in(buyer, "/login", "buyer@example.com")
    await assert_fits(buyer, "/account/notifications")
    await assert_fits(buyer, f"/orders/{number}")

    # after-sales: the low score is a follow-up on the dashboard, the answer on the order page
    staff = await new_page(locale=locale)
    await staff.set_viewport_size(PHONE)
    await sign_in(staff, "/staff/login", "aftersales@example.com")
    await assert_fits(staff, "/staff/")
    await expect(staff.locator("section[aria-labelledby='follow-ups-h']")).to_contain_text(number)
    await staff.locator(f"section[aria-labelledby='follow-ups-h'] a[href^='/staff/orders/{number}']").click()
    await expect(staff.locator("#survey")).to_contain_text("The second crate was late.")
    await assert_shown_fits(staff, "the staff order page with the survey")
