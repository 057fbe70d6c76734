"""One after-sales journey in a real browser, in Chinese, at phone width (issue 13, acceptance line 8).

The demo buyer reports a damaged line of a delivered order with a note and a photo; after-sales find
the case in their queue and resolve it with a reply on the staff order page; the buyer reads the reply
on the order page and its timeline, then rates the order 2 of 5 in the satisfaction survey there; the
low score puts a new follow-up case ("Low-score follow-up") in the after-sales queue, filtered by kind.

The parts are tested on their own (test_receipt_browser, test_complaint_browser, test_survey_browser);
here they are one story, each step seeing what the step before it left. Expected texts are the English
source strings translated with the app's own catalog (``zh``).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from playwright.async_api import Page, expect

from portal.db.demo import seed_demo_orders
from portal.domain.aftersales.kinds import FOLLOW_UP
from portal.settings import Settings
from tests.e2e.test_ordering_browser import zh
from tests.e2e.test_phone_width import PHONE, assert_shown_fits, sign_in
from tests.e2e.test_receipt_browser import LOADED_WIDTH, damage_photo

NewPage = Callable[..., Awaitable[Page]]
CASE_NUMBER = re.compile(r"AS-\d{4}-\d{6}")
DAMAGE = "法兰开裂，无法安装"
REPLY = "抱歉给您带来不便：新的法兰明天发出，破损件无需退回。"
COMMENT = "破损让我们停工了一天。"
SCORES = {"csat_overall": 2, "csat_delivery": 3, "csat_quality": 2, "nps": 4}


async def open_queue(staff: Page) -> None:
    """The after-sales queue, through the staff menu."""
    menu = staff.get_by_role("navigation", name=zh("Main"))
    await menu.get_by_role("link", name=zh("After-sales queue"), exact=True).click()
    await expect(staff).to_have_url(re.compile(r"/staff/aftersales/?$"))
    await assert_shown_fits(staff, "the after-sales queue")


async def test_damaged_line_reply_low_score_and_follow_up(
    new_page: NewPage, settings: Settings, csp_violations: list[str], tmp_path
) -> None:  # noqa: ANN001
    delivered = next(n for n, state in await seed_demo_orders(settings.database_url) if state == "delivered")

    # the buyer reports one line damaged, with a note and a photo, from the order page
    buyer = await new_page(viewport=PHONE)
    await sign_in(buyer, "/login", "buyer@example.com")
    await expect(buyer.locator("html")).to_have_attribute("lang", "zh-CN")
    await buyer.goto(f"/orders/{delivered}")
    await buyer.get_by_role("link", name=zh("Report short or damaged goods")).click()
    await expect(buyer).to_have_url(re.compile(rf"/orders/{delivered}/receipt$"))
    await assert_shown_fits(buyer, "the receipt form")
    line = buyer.locator("fieldset.receipt-line").first
    await line.get_by_label(zh("Damaged (quantity)")).fill("1")
    await line.get_by_label(zh("What is damaged? (needed for damaged items)")).fill(DAMAGE)
    await buyer.get_by_label(zh("Photos of the damage")).set_input_files(damage_photo(tmp_path))
    await buyer.get_by_role("button", name=zh("Confirm receipt"), exact=True).click()

    # ...and reads the case number on the order page
    await expect(buyer).to_have_url(re.compile(rf"/orders/{delivered}(#aftersales)?$"))
    cases = buyer.locator("#aftersales")
    await expect(cases).to_contain_text(CASE_NUMBER)
    number = CASE_NUMBER.search(await cases.inner_text()).group(0)
    await expect(cases).to_contain_text(zh("Case %(number)s", number=number))
    await expect(cases).to_contain_text(DAMAGE)
    photo = cases.locator("img").first
    await expect(photo).to_be_visible()
    assert await photo.evaluate(LOADED_WIDTH) == 800  # the photo was stored, is served and decodes
    await expect(cases).not_to_contain_text(REPLY)
    await assert_shown_fits(buyer, "the order page with its case")

    # after-sales find the case in their queue and resolve it on the staff order page, with a reply
    staff = await new_page(viewport=PHONE)
    await sign_in(staff, "/staff/login", "aftersales@example.com")
    await open_queue(staff)
    row = staff.locator("tr", has_text=number)
    await expect(row).to_contain_text(zh("Short or damaged goods"))
    await expect(row).to_contain_text(delivered)
    await row.get_by_role("link", name=number).click()
    await expect(staff).to_have_url(re.compile(rf"/staff/orders/{delivered}#aftersales$"))
    staff_case = staff.locator("#aftersales article", has_text=number)
    await expect(staff_case).to_contain_text(DAMAGE)
    await expect(staff_case.locator("img").first).to_be_visible()
    await staff_case.get_by_label(zh("Resolution (the customer sees it)")).fill(REPLY)
    await staff_case.get_by_role("button", name=zh("Resolve the case")).click()
    await expect(staff.locator("body")).to_contain_text(
        zh("Case %(case)s resolved; the customer has been told.", case=number)
    )
    await expect(staff.locator("#aftersales article", has_text=number)).to_contain_text(REPLY)
    await assert_shown_fits(staff, "the staff order page with the resolved case")

    # the buyer reads the reply on the order page and in its timeline
    await buyer.reload()
    await expect(cases).to_contain_text(REPLY)
    await expect(cases).to_contain_text(zh("Resolved"))
    timeline = buyer.locator("section[aria-labelledby='timeline-h']")
    await expect(timeline).to_contain_text(zh("After-sales case %(document)s resolved", document=number))
    await expect(timeline).to_contain_text(REPLY)

    # the buyer rates the order 2 of 5 in the survey on the order page
    survey = buyer.locator("#survey")
    form = survey.locator("form.survey-form")
    for name, score in SCORES.items():
        await form.locator(f"label.score:has(input[name='{name}'][value='{score}'])").click()
    await form.get_by_label(zh("Anything you would like to tell us? (optional)")).fill(COMMENT)
    await form.get_by_role("button", name=zh("Send my answer")).click()
    await expect(survey).to_contain_text(zh("Overall satisfaction"))
    await expect(survey).to_contain_text(zh("%(score)s of 5", score=2))
    await expect(buyer.locator("form.survey-form")).to_have_count(0)  # answered: read-only
    await assert_shown_fits(buyer, "the order page with the answered survey")

    # after-sales see a new low-score follow-up of this order in the queue, filtered by that kind
    await open_queue(staff)
    await staff.get_by_label(zh("Kind"), exact=True).select_option(label=zh("Low-score follow-up"))
    await staff.get_by_role("button", name=zh("Filter")).click()
    await expect(staff).to_have_url(re.compile(rf"kind={FOLLOW_UP}"))
    rows = staff.locator("#results tbody tr")
    await expect(rows).to_have_count(1)
    follow_up = rows.first
    await expect(follow_up).to_contain_text(delivered)
    await expect(follow_up).to_contain_text(zh("Low-score follow-up"))
    await expect(follow_up).not_to_contain_text(number)  # a new case, not the resolved receipt case
    await assert_shown_fits(staff, "the after-sales queue of follow-ups")
    follow_up_number = CASE_NUMBER.search(await follow_up.inner_text()).group(0)
    await follow_up.get_by_role("link", name=follow_up_number).click()
    # the call-back's note is the buyer's comment, in their words (the scores are worded beside the answer)
    follow_up_case = staff.locator("#aftersales article", has_text=follow_up_number)
    await expect(follow_up_case).to_contain_text(COMMENT)
    await expect(follow_up_case).not_to_contain_text("csat_")

    assert csp_violations == []
