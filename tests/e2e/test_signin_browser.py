"""In a real browser: the demo buyer and the demo reviewer sign in, and the buyer switches language.

Assertions on the language use ``html[lang]`` and the language switch (whose labels are not
translated), so they hold whether or not the zh_CN catalog has a given message yet.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from playwright.async_api import Page, expect

from portal.db.demo import DEMO_PASSWORD

BUYER = ("buyer@example.com", "王伟 Wang Wei")
REVIEWER = ("reviewer@example.com", "Reviewer Demo 审核")
NewPage = Callable[..., Awaitable[Page]]


def current_language(page: Page):  # noqa: ANN201 - a Locator
    """The language switch's button for the language the page is shown in."""
    return page.locator(".lang-switch button[aria-current='true']")


async def submit_login(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Fill in and send the sign-in form of the current page."""
    form = page.locator("#login-form")
    await form.locator("#email").fill(email)
    await form.locator("#password").fill(password)
    await form.locator("button[type='submit']").click()


async def test_buyer_signs_in_switches_language_and_signs_out(page: Page, csp_violations: list[str]):
    html = page.locator("html")
    email, name = BUYER

    # given: a browser that prefers Chinese opens the customer sign-in page
    await page.goto("/login")
    await expect(html).to_have_attribute("lang", "zh-CN")
    await expect(current_language(page)).to_have_text("简体中文")

    # when: the demo buyer signs in
    await submit_login(page, email)

    # then: their orders, with their name in the header
    await expect(page).to_have_url(re.compile(r"/orders$"))
    await expect(page.locator(".site-header .who")).to_contain_text(name)
    await expect(html).to_have_attribute("lang", "zh-CN")

    # when: they choose English
    await page.locator(".lang-switch").get_by_role("button", name="English").click()

    # then: the same page again, in English
    await expect(html).to_have_attribute("lang", "en")
    await expect(page).to_have_url(re.compile(r"/orders$"))
    await expect(current_language(page)).to_have_text("English")
    await expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    await expect(page.get_by_role("link", name="My orders")).to_be_visible()
    await expect(page.locator(".site-header .who")).to_contain_text(name)
    await page.reload()
    await expect(html).to_have_attribute("lang", "en")  # the choice is remembered

    # when: they switch back to Chinese
    await page.locator(".lang-switch").get_by_role("button", name="简体中文").click()

    # then: Chinese again
    await expect(html).to_have_attribute("lang", "zh-CN")
    await expect(current_language(page)).to_have_text("简体中文")
    await expect(page).to_have_url(re.compile(r"/orders$"))

    # when: they sign out
    await page.locator(".site-header form[action='/logout'] button").click()

    # then: back on the sign-in page, and the orders are closed to them
    await expect(page).to_have_url(re.compile(r"/login$"))
    await expect(page.locator("#login-form")).to_be_visible()
    await expect(page.locator(".site-header .who")).to_have_count(0)
    await page.goto("/orders")
    await expect(page).to_have_url(re.compile(r"/login(\?.*)?$"))

    assert csp_violations == []


async def test_reviewer_signs_in_to_the_back_office_and_a_buyer_cannot(
    new_page: NewPage, page: Page, csp_violations: list[str]
):
    email, name = REVIEWER

    # given: the staff sign-in page, in Chinese
    await page.goto("/staff/login")
    await expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    await expect(current_language(page)).to_have_text("简体中文")

    # when: the demo reviewer signs in
    await submit_login(page, email)

    # then: the staff dashboard, with their name in the header
    await expect(page).to_have_url(re.compile(r"/staff/$"))
    await expect(page.locator(".site-header .who")).to_have_text(name)
    await expect(page.locator(".main-nav a[href='/staff/']")).to_have_attribute("aria-current", "page")
    await expect(page.locator("#queues-h")).to_be_visible()
    await expect(page.locator("main h1")).to_contain_text(name)

    # given: the demo buyer, signed in in another browser context
    buyer_page = await new_page()
    await buyer_page.goto("/login")
    await submit_login(buyer_page, BUYER[0])
    await expect(buyer_page).to_have_url(re.compile(r"/orders$"))

    # when: the buyer goes to the back office
    await buyer_page.goto("/staff/")

    # then: they are sent to the staff sign-in page instead
    await expect(buyer_page).to_have_url(re.compile(r"/staff/login(\?.*)?$"))
    await expect(buyer_page.locator("#login-form[action='/staff/login']")).to_be_visible()
    await expect(buyer_page.locator(".site-header .who")).to_have_count(0)

    assert csp_violations == []
