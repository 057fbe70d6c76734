"""In a real browser at phone width (390 x 844): every main page fits the screen, nothing scrolls sideways.

The demo data with its orders in every state of the lifecycle (``portal.db.demo_orders``) gives each
page real content. For every page, in Chinese and in English: the document is no wider than the
viewport, and no element's box, nor the text spilling out of it, reaches past the right edge, unless
it sits inside a scroll container that itself fits (a table wrapper with ``overflow-x: auto`` may
scroll). The filter bars keep each label on the row of its own field. No page or asset answers 4xx/5xx,
the favicon included.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

import pytest
from playwright.async_api import Page, Response, expect

from portal.auth.tracking_links import TrackingLinks
from portal.db.demo import seed_demo_orders, tracked_demo_orders
from portal.settings import Settings
from tests.e2e.test_signin_browser import submit_login

PHONE = {"width": 390, "height": 844}
LOCALES = ["zh-CN", "en"]
NewPage = Callable[..., Awaitable[Page]]

# Everything that reaches past the viewport's right edge: element boxes, and content spilling out of an
# element whose overflow is visible (a long word in a paragraph). Elements inside a scroll container
# (overflow-x auto/scroll/hidden/clip) count only when that container itself does not fit.
OVERFLOW_JS = r"""
() => {
  const edge = window.innerWidth + 0.5;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) parts.unshift(name(e));
    return parts.join(' > ');
  };
  const scrolled = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) {
        return p.getBoundingClientRect().right <= edge;
      }
    }
    return false;
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const spill = getComputedStyle(el).overflowX === 'visible' ? box.left + el.scrollWidth : box.right;
    const right = Math.max(box.right, spill);
    if (right > edge && !scrolled(el)) offenders.push(`${path(el)} reaches ${Math.round(right)} px`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, offenders};
}
"""

# each filter field's label: its box starts on the field's row (beside it), and it is the nearest label
LABELS_JS = r"""
() => [...document.querySelectorAll('form.filters label[for]')].flatMap((label) => {
  const field = document.getElementById(label.htmlFor);
  if (!field) return [`label "${label.textContent.trim()}" names no field`];
  const l = label.getBoundingClientRect(), f = field.getBoundingClientRect();
  const sameRow = l.top < f.bottom && f.top < l.bottom;
  return sameRow && l.right <= f.left + 1 ? [] : [`label "${label.textContent.trim()}" is not beside its field`];
})
"""


@pytest.fixture
async def demo_orders(demo: None, settings: Settings) -> dict[str, str]:
    """The demo orders, one in every state, added to the demo data: state -> order number."""
    return {state: number for number, state in await seed_demo_orders(settings.database_url)}


async def phone(new_page: NewPage, locale: str, failures: list[str]) -> Page:
    """A page at 390 x 844 that records every response of 400 or more into ``failures``."""
    page = await new_page(locale=locale)
    await page.set_viewport_size(PHONE)

    def watch(response: Response) -> None:
        if response.status >= 400:
            failures.append(f"{response.status} {response.url}")

    page.on("response", watch)
    return page


async def sign_in(page: Page, door: str, email: str) -> None:
    await page.goto(door)
    await submit_login(page, email)
    await expect(page).not_to_have_url(re.compile(r"/login"))


async def assert_fits(page: Page, path: str) -> None:
    """Open ``path``: it answers, and nothing on it is wider than the phone's screen."""
    response = await page.goto(path)
    assert response is not None and response.ok, f"{path}: {response.status if response else 'no response'}"
    await assert_shown_fits(page, path)


async def assert_shown_fits(page: Page, what: str) -> None:
    """Nothing on the page as it is shown now (``what``, for the message) is wider than the screen."""
    await expect(page.locator("h1").first).to_be_visible()
    found = await page.evaluate(OVERFLOW_JS)
    assert found["scrollWidth"] <= PHONE["width"], f"{what} scrolls sideways: {found}"
    assert found["offenders"] == [], f"{what}: {found['offenders'][:10]}"
    assert await page.evaluate(LABELS_JS) == [], what


async def fill_cart(page: Page) -> None:
    """Two products in the cart, added with the catalog page's own form (so cart and checkout have lines)."""
    for sku in ("SPR-KIT100", "PIP-FLG50"):
        await page.goto(f"/catalog/{sku}")
        form = page.locator("form.add-to-cart")  # the first choice of each option and the minimum quantity
        async with page.expect_response(
            lambda r: "/cart/lines" in r.url and r.request.method == "POST"
        ) as added:
            await form.locator("button[type='submit']").click()
        assert (await added.value).status in (200, 303), (await added.value).status


@pytest.mark.parametrize("locale", LOCALES)
async def test_customer_pages_fit_a_phone(
    new_page: NewPage, demo_orders: dict[str, str], settings: Settings, locale: str
) -> None:
    failures: list[str] = []
    page = await phone(new_page, locale, failures)

    # signed out: the sign-in page, the tracking lookup and a tracking link as e-mailed
    links = TrackingLinks(settings.secret_key)
    for path in ("/login", "/track"):
        await assert_fits(page, path)
    for _number, _state, order_id, version in await tracked_demo_orders(settings.database_url):
        await assert_fits(page, links.path(order_id, version))

    # signed in as the demo buyer: catalog, a product, the order list, every order, its confirmation
    await sign_in(page, "/login", "buyer@example.com")
    for path in ("/catalog", "/catalog/PMP-350", "/orders"):
        await assert_fits(page, path)
    for number in demo_orders.values():
        await assert_fits(page, f"/orders/{number}")
    await assert_fits(page, f"/orders/{demo_orders['confirmation_sent']}/confirmation")
    await assert_fits(page, f"/orders/{demo_orders['changes_requested']}/edit")
    await assert_fits(page, f"/orders/{demo_orders['delivered']}/receipt")  # receipt line by line
    for path in ("/complaints", "/complaints/new"):  # complaints and feedback
        await assert_fits(page, path)

    # and with goods in the cart: the cart and the checkout
    await fill_cart(page)
    for path in ("/cart", "/checkout"):
        await assert_fits(page, path)

    assert failures == []


@pytest.mark.parametrize("locale", LOCALES)
async def test_staff_pages_fit_a_phone(new_page: NewPage, demo_orders: dict[str, str], locale: str) -> None:
    failures: list[str] = []
    page = await phone(new_page, locale, failures)

    await assert_fits(page, "/staff/login")
    await sign_in(page, "/staff/login", "admin@example.com")  # every role: every panel of the order page
    for path in (
        "/staff/",
        "/staff/review",
        "/staff/review?state=awaiting_approval",
        "/staff/orders/new",
        "/staff/aftersales",
        "/staff/aftersales?state=all",
    ):
        await assert_fits(page, path)
    for number in demo_orders.values():
        await assert_fits(page, f"/staff/orders/{number}")
    await assert_fits(page, f"/staff/orders/{demo_orders['shipped']}/delivery-note")
    for path in ("/staff/admin", "/staff/admin/audit", "/staff/admin/settings", "/staff/admin/products/new"):
        await assert_fits(page, path)
    for path in ("/staff/admin/accounts", "/staff/admin/products", "/staff/admin/users"):
        await assert_fits(page, path)
        # and the first entry of each list
        link = page.locator(f"#results a[href^='{path}/']").first
        await assert_fits(page, await link.get_attribute("href"))

    assert failures == []


async def test_the_favicon_is_linked_and_answers(new_page: NewPage) -> None:
    page = await new_page()
    await page.goto("/login")
    icon = await page.locator("link[rel='icon']").get_attribute("href")
    for path in (icon, "/favicon.ico"):
        response = await page.request.get(path)
        assert response.ok, f"{path}: {response.status}"
        assert response.headers["content-type"].startswith("image/"), path
