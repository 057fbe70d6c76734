"""In a real browser: the demo logistics clerk finds their work from the dashboard, then an order by its
tracking number; the list updates in place (htmx) and the address bar keeps the search.

Orders of the demo buyer are placed directly in the database: one ready to ship, one shipped with the
demo carrier. Assertions use order numbers and element ids, so they hold in either language.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from playwright.async_api import Page, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from portal.db.customers import CustomerUser
from portal.db.engine import make_sessionmaker
from portal.db.fulfilment import Shipment
from tests.e2e.test_signin_browser import BUYER, submit_login
from tests.helpers import place_orders

LOGISTICS_EMAIL = "logistics@example.com"
CARRIER = "democarrier"  # from portal.db.demo
TRACKING_NUMBER = "DX77001234"


async def _orders(engine: AsyncEngine) -> tuple[str, str]:
    """A ready-to-ship order and a shipped one with a tracking number: their numbers."""
    async with make_sessionmaker(engine)() as db:
        buyer = await db.scalar(select(CustomerUser).where(CustomerUser.email == BUYER[0]))
        ready = (await place_orders(db, buyer, 1, status="ready_to_ship"))[0]
        shipped = (
            await place_orders(db, buyer, 1, status="shipped", start=datetime(2026, 4, 1, tzinfo=UTC))
        )[0]
        db.add(Shipment(order_id=shipped.id, carrier_code=CARRIER, tracking_number=TRACKING_NUMBER))
        await db.commit()
        return ready.number, shipped.number


async def test_logistics_finds_its_work_and_an_order_by_tracking_number(
    new_page: Callable[..., Awaitable[Page]], engine: AsyncEngine, csp_violations: list[str]
):
    ready, shipped = await _orders(engine)
    page = await new_page()
    await page.goto("/staff/login")
    await submit_login(page, LOGISTICS_EMAIL)

    # the "to ship" tile opens the order list with the clerk's work
    await page.locator('a[href="/staff/orders?state=ready_to_ship,partially_shipped"]').click()
    results = page.locator("#results")
    await expect(results.get_by_role("link", name=ready)).to_be_visible()
    await expect(results.get_by_role("link", name=shipped)).to_have_count(0)

    # every order, then the tracking number typed in: the results change in place, the page stays
    await page.evaluate("window.stillTheSamePage = true")
    await page.locator("#f-state").select_option("all")
    await expect(results.get_by_role("link", name=shipped)).to_be_visible()
    await page.locator("#q").fill(TRACKING_NUMBER.lower())
    await expect(results.get_by_role("link", name=ready)).to_have_count(0)
    await expect(results.get_by_role("link", name=shipped)).to_be_visible()
    assert await page.evaluate("window.stillTheSamePage === true")
    assert "q=dx77001234" in page.url.lower() and "state=all" in page.url

    # the order opens from the list
    await results.get_by_role("link", name=shipped).click()
    await page.wait_for_url(f"**/staff/orders/{shipped}")
    assert csp_violations == []
