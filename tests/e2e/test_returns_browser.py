"""A return in a real browser, in Chinese, at phone width (issue 14, acceptance line 7).

The demo buyer asks to return one unit of a delivered order for a quality defect, with a photo; after-sales
find the request in their queue and approve it; the buyer prints the label and enters the return shipment;
after-sales record the goods received, inspect them and resolve the return with a credit note, which the
buyer then reads on their statement of account.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from playwright.async_api import Page, expect

from portal.db.demo import seed_demo_orders
from portal.settings import Settings
from tests.e2e.test_ordering_browser import zh
from tests.e2e.test_phone_width import PHONE, assert_shown_fits, sign_in
from tests.e2e.test_receipt_browser import LOADED_WIDTH, damage_photo

NewPage = Callable[..., Awaitable[Page]]
CASE_NUMBER = re.compile(r"AS-\d{4}-\d{6}")
RMA_NUMBER = re.compile(r"RMA-\d{4}-\d{6}")
CREDIT_NOTE = re.compile(r"CN-\d{4}-\d{6}")
DEFECT = "外壳有裂纹，无法密封"


async def test_a_return_from_request_to_credit_note_on_the_statement(
    new_page: NewPage, settings: Settings, csp_violations: list[str], tmp_path
) -> None:  # noqa: ANN001
    delivered = next(n for n, state in await seed_demo_orders(settings.database_url) if state == "delivered")

    # the buyer asks to return one unit from the order page, with a photo
    buyer = await new_page(viewport=PHONE)
    await sign_in(buyer, "/login", "buyer@example.com")
    await buyer.goto(f"/orders/{delivered}")
    await buyer.get_by_role("link", name=zh("Return goods")).click()
    await expect(buyer).to_have_url(re.compile(rf"/orders/{delivered}/returns/new$"))
    await assert_shown_fits(buyer, "the return request form")
    await buyer.locator("fieldset.receipt-line").first.get_by_label(zh("Units to return")).fill("1")
    await buyer.get_by_label(zh("Reason")).select_option(label=zh("Quality defect"))
    await buyer.get_by_label(zh("Refund as a credit note")).check()
    await buyer.get_by_label(zh("Describe the problem")).fill(DEFECT)
    await buyer.get_by_label(zh("Photos (optional)")).set_input_files(damage_photo(tmp_path))
    await buyer.get_by_role("button", name=zh("Request the return")).click()
    await expect(buyer).to_have_url(re.compile(r"/returns/AS-\d{4}-\d{6}$"))
    number = CASE_NUMBER.search(buyer.url).group(0)
    await expect(buyer.locator("h1")).to_contain_text(zh("requested"))
    photo = buyer.locator(".case-photos img").first
    assert await photo.evaluate(LOADED_WIDTH) == 800
    await assert_shown_fits(buyer, "the requested return")

    # after-sales find it in the queue and approve it
    staff = await new_page(viewport=PHONE)
    await sign_in(staff, "/staff/login", "aftersales@example.com")
    await staff.goto("/staff/aftersales")
    row = staff.locator("tr", has_text=number)
    await expect(row).to_contain_text(zh("Return"))
    await row.get_by_role("link", name=number).click()
    await expect(staff).to_have_url(re.compile(rf"/staff/aftersales/returns/{number}$"))
    await expect(staff.locator("body")).to_contain_text(DEFECT)
    await assert_shown_fits(staff, "the staff return page")
    await staff.get_by_label(zh("Return instructions for the customer (optional)")).fill("请使用原包装寄回。")
    await staff.get_by_role("button", name=zh("Approve the return")).click()
    await expect(staff.locator("body")).to_contain_text(RMA_NUMBER)
    rma = RMA_NUMBER.search(await staff.locator("body").inner_text()).group(0)

    # the buyer reads the RMA number, opens the label, and sends the goods back
    await buyer.reload()
    await expect(buyer.locator("body")).to_contain_text(rma)
    await expect(buyer.locator("body")).to_contain_text("请使用原包装寄回。")
    async with buyer.context.expect_page() as opened:
        await buyer.get_by_role("link", name=zh("Print the return label and packing slip")).click()
    label = await opened.value
    await expect(label.locator(".rma-number")).to_have_text(rma)
    await expect(label.locator("body")).to_contain_text(zh("Packing slip"))
    await label.close()
    await buyer.get_by_label(zh("Carrier"), exact=True).select_option(index=0)  # one of our carriers
    await buyer.get_by_label(zh("Tracking number")).fill("SF1234567890")
    await buyer.get_by_role("button", name=zh("The goods are on their way")).click()
    await expect(buyer.locator("h1")).to_contain_text(zh("on its way back"))

    # after-sales receive, inspect and resolve with a credit note
    await staff.reload()
    await staff.get_by_role("button", name=zh("Record the goods received")).click()
    await expect(staff.locator("h1")).to_contain_text(zh("goods received"))
    await staff.get_by_role("button", name=zh("Record the inspection")).click()
    await expect(staff.locator("h1")).to_contain_text(zh("inspected"))
    await staff.get_by_role("button", name=zh("Resolve with a credit note")).click()
    await expect(staff.locator("h1")).to_contain_text(zh("resolved"))
    await expect(staff.locator("body")).to_contain_text(CREDIT_NOTE)
    credit_note = CREDIT_NOTE.search(await staff.locator("body").inner_text()).group(0)
    await assert_shown_fits(staff, "the resolved return")

    # the buyer reads the credit note on the return and on the statement of account
    await buyer.reload()
    await expect(buyer.locator("body")).to_contain_text(credit_note)
    await buyer.goto("/account/statement")
    await expect(buyer.locator("body")).to_contain_text(credit_note)
    await assert_shown_fits(buyer, "the statement with the credit note")
    assert csp_violations == []
