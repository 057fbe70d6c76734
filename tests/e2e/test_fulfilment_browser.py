"""In a real browser: an order of the demo buyer goes through production, QC, packing and shipping;
the buyer follows the tracking link from the e-mail, signed out; a signed carrier webhook delivers it.

The order (PMP-100 x 2, VLV-DN50 x 10 to the buyer's default address) is brought to ``confirmed``
with the real domain services before the browser starts. Then, in separate browser contexts:
production staff plan and report the milestones, fail a first inspection (rework), pass the second
and pack the pumps; logistics staff pack the valves, complete packing and ship with the demo
carrier. The real arq worker delivers the "shipped" e-mail to the SMTP server of the test; its
tracking link opens in a context that never signed in. A signed webhook from the carrier marks
the shipment delivered, and the tracking page says so.

Pages are Chinese; expected texts are the English source strings translated with the app's
catalogs (``zh``), as in ``test_ordering_browser``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

import httpx
from playwright.async_api import Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.catalog import Product
from portal.db.customers import Address, CustomerUser
from portal.db.orders import Order
from portal.db.staff import StaffUser
from portal.domain.orders import service
from tests.e2e.test_ordering_browser import zh
from tests.e2e.test_signin_browser import BUYER, submit_login
from tests.fulfilment_helpers import sign_confirmation
from tests.helpers import approve_as, customer_actor, product_line
from tests.smtp_sink import Sink, body_text

NewPage = Callable[..., Awaitable[Page]]
PRODUCTION = ("production@example.com", "Production Demo 生产")
LOGISTICS = ("logistics@example.com", "Logistics Demo 物流")
REVIEWER_EMAIL = "reviewer@example.com"
CARRIER = ("democarrier", "Demo Express 演示快递", "demo-carrier-secret")  # from portal.db.demo
LINES = {"PMP-100": 2, "VLV-DN50": 10}
TRACKING_NUMBER = "DX20240001234"
PLAN_NOTE = "Internal: shift B, line 3"
REWORK_FINDINGS = "Internal: seal seat of pump 2 leaks at test pressure"
PUMP_WEIGHT, VALVE_WEIGHT = "96.5", "45"
MAIL_TIMEOUT = 30.0
MILESTONE_LABELS = {  # as in portal.domain.fulfilment.milestones, in the order they are reached
    "planned": "Production plan",
    "materials_ready": "Materials ready",
    "in_production": "In production",
    "qc": "Quality inspection",
    "packed": "Packing and labelling",
}


# --- the order, confirmed through the domain services ----------------------------------------------


async def confirmed_demo_order(db: AsyncSession) -> str:
    """A web order of the demo buyer for demo products, submitted, reviewed and signed; committed.

    Returns the order number.
    """
    buyer = await db.scalar(select(CustomerUser).where(CustomerUser.email == BUYER[0]))
    reviewer = await db.scalar(select(StaffUser).where(StaffUser.email == REVIEWER_EMAIL))
    address = await db.scalar(
        select(Address).where(Address.account_id == buyer.account_id, Address.is_default.is_(True))
    )
    products = {p.sku: p for p in await db.scalars(select(Product).where(Product.sku.in_(LINES)))}
    order = Order(
        account_id=buyer.account_id,
        contact_user_id=buyer.id,
        status="draft",
        channel="web",
        shipping_address={
            "country": address.country,
            **{
                f: getattr(address, f)
                for f in ("recipient", "phone", "province", "city", "district", "street")
            },
        },
        invoice_title="演示制造有限公司",
        requested_delivery_date=clock.today() + timedelta(days=14),
    )
    db.add(order)
    await db.flush()
    lines = []
    for position, (sku, quantity) in enumerate(LINES.items()):
        product = products[sku]
        lines.append(product_line(order, product, quantity, position=position))
    db.add_all(lines)
    await db.flush()
    await service.submit(db, customer_actor(buyer), order)
    promised = clock.today() + timedelta(days=20)
    # no approval levels after the review
    await approve_as(db, reviewer, order, thresholds=[Decimal("1e12")], promised_date=promised)
    await sign_confirmation(db, buyer, order, user_agent="e2e")
    number = order.number
    await db.commit()
    assert number and order.status == "confirmed"
    return number


# --- helpers ----------------------------------------------------------------------------------------


def signed(payload: dict, secret: str) -> tuple[bytes, dict[str, str]]:
    """The raw JSON body and the headers of a carrier webhook call signed with ``secret``."""
    body = json.dumps(payload).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"content-type": "application/json", "x-signature": f"sha256={signature}"}


async def wait_for_mail(sink: Sink, subject: str, worker_log: Path) -> EmailMessage:
    """The one e-mail with this subject, once the worker has delivered it."""
    deadline = asyncio.get_running_loop().time() + MAIL_TIMEOUT
    while True:
        with sink.lock:
            found = [m for m in sink.messages if m["Subject"] == subject]
        if found:
            assert len(found) == 1, [m["Subject"] for m in sink.messages]
            return found[0]
        if asyncio.get_running_loop().time() > deadline:
            with sink.lock:
                subjects = [m["Subject"] for m in sink.messages]
            raise AssertionError(
                f"no e-mail {subject!r} within {MAIL_TIMEOUT:.0f} s; the sink has {subjects}; "
                f"worker log:\n{worker_log.read_text(errors='replace')}"
            )
        await asyncio.sleep(0.1)


async def staff_sign_in(page: Page, email: str, name: str) -> None:
    await page.goto("/staff/login")
    await submit_login(page, email)
    await expect(page).to_have_url(re.compile(r"/staff/$"))
    await expect(page.locator(".site-header .who")).to_have_text(name)


def order_status(page: Page) -> Locator:
    """The status badge next to the order's heading."""
    return page.locator(".page-head").filter(has=page.get_by_role("heading", level=1)).locator(".badge")


def form_titled(section: Locator, title: str) -> Locator:
    """The form of ``section`` whose heading is ``title``."""
    return section.locator("form").filter(has=section.page.get_by_role("heading", name=title, exact=True))


def milestone_row(section: Locator, milestone: str) -> Locator:
    return section.locator("table.milestones-table tbody tr").filter(
        has=section.page.get_by_role("rowheader", name=zh(milestone), exact=True)
    )


async def expect_saved(page: Page, anchor: str, message: str) -> None:
    """After a form post: back on the order page at ``anchor``, with the flash ``message``."""
    await expect(page).to_have_url(re.compile(rf"/staff/orders/SO-\d{{4}}-\d{{6}}#{anchor}$"))
    await expect(page.locator("#toasts")).to_contain_text(message)


async def report_milestone(page: Page, milestone: str, *, progress: int | None = None, reached: bool) -> None:
    """Send the "Report: <milestone>" form of the production section."""
    production = page.locator("#production")
    form = form_titled(production, zh("Report: %(milestone)s", milestone=zh(milestone)))
    if progress is not None:
        # Jinja's new-style gettext %-formats every message: "Progress (%%)" reads "Progress (%)"
        await form.get_by_label(zh("Progress (%%)") % {}).fill(str(progress))
    if reached:
        await form.get_by_label(zh("Reached"), exact=True).check()
    await form.get_by_role("button", name=zh("Record"), exact=True).click()
    await expect_saved(page, "production", zh("Production milestone recorded."))


async def inspect(page: Page, result: str, findings: str = "") -> None:
    production = page.locator("#production")
    form = form_titled(production, zh("Quality inspection"))
    await form.get_by_role("radio", name=zh(result), exact=True).check()
    if findings:
        await form.get_by_label(zh("Findings (internal; needed for fail or rework)")).fill(findings)
    await form.get_by_role("button", name=zh("Record the inspection")).click()
    await expect_saved(page, "production", zh("Quality inspection recorded."))


def pack_quantity(form: Locator, sku: str) -> Locator:
    """The packing form's quantity field of the line ``sku`` (its label starts with the SKU)."""
    return form.get_by_label(re.compile(rf"^{re.escape(sku)} "))


# --- the test ---------------------------------------------------------------------------------------


async def test_production_and_logistics_fulfil_an_order_and_the_buyer_tracks_it_until_delivery(
    new_page: NewPage,
    db: AsyncSession,
    live_server: str,
    mail_worker: tuple[Sink, Path],
    csp_violations: list[str],
):
    sink, worker_log = mail_worker
    number = await confirmed_demo_order(db)
    # --- production -------------------------------------------------------------------------
    # given: production staff, signed in, on the confirmed order
    staff = await new_page()
    await staff_sign_in(staff, *PRODUCTION)
    await staff.goto(f"/staff/orders/{number}")
    await expect(staff.get_by_role("heading", level=1)).to_have_text(zh("Order %(number)s", number=number))
    await expect(order_status(staff)).to_have_text(zh("confirmed"))
    production = staff.locator("#production")
    await expect(production.locator("tr.milestone-done")).to_have_count(0)

    # when: they save the production plan with a date for every later milestone
    today = clock.today()
    planned = {
        "materials_ready": today + timedelta(days=2),
        "in_production": today + timedelta(days=5),
        "qc": today + timedelta(days=6),
        "packed": today + timedelta(days=7),
    }
    plan = form_titled(production, zh("Production plan"))
    for milestone, day in planned.items():
        label = zh("Planned date: %(milestone)s", milestone=zh(MILESTONE_LABELS[milestone]))
        await plan.get_by_label(label).fill(day.isoformat())
    await plan.get_by_label(zh("Note (internal)")).fill(PLAN_NOTE)
    await plan.get_by_role("button", name=zh("Save the plan and start production")).click()

    # then: production has started, the plan is done and the next step is the materials
    await expect_saved(staff, "production", zh("Production milestone recorded."))
    await expect(order_status(staff)).to_have_text(zh("in production"))
    await expect(milestone_row(production, "Production plan")).to_have_class(re.compile(r"milestone-done"))
    await expect(milestone_row(production, "Production plan")).to_contain_text(PLAN_NOTE)
    await expect(form_titled(production, zh("Production plan")).get_by_role("button")).to_have_text(
        zh("Save the plan")
    )

    # when: materials are ready, production reports 60 % and then finishes
    await report_milestone(staff, "Materials ready", reached=True)
    await expect(milestone_row(production, "Materials ready")).to_have_class(re.compile(r"milestone-done"))
    await report_milestone(staff, "In production", progress=60, reached=False)
    in_production = milestone_row(production, "In production")
    await expect(in_production.get_by_role("progressbar")).to_have_attribute("value", "60")
    await expect(in_production).not_to_have_class(re.compile(r"milestone-done"))
    timeline = staff.get_by_role("region", name=zh("Timeline")).locator(".timeline-text")
    await expect(
        timeline.filter(has_text=zh("Production progress: %(progress)s%%", progress=60))
    ).to_have_count(1)
    await report_milestone(staff, "In production", reached=True)
    await expect(in_production).to_have_class(re.compile(r"milestone-done"))

    # when: the first inspection finds something to rework
    await inspect(staff, "rework", REWORK_FINDINGS)

    # then: production is open again, at 80 %, and the inspection is on record
    await expect(in_production).not_to_have_class(re.compile(r"milestone-done"))
    await expect(in_production.get_by_role("progressbar")).to_have_attribute("value", "80")
    inspections = (
        production.locator("table").filter(has=staff.locator("[class*='badge-qc-']")).locator("tbody tr")
    )
    await expect(inspections).to_have_count(1)
    await expect(inspections.locator(".badge-qc-rework")).to_have_text(zh("rework"))
    await expect(inspections).to_contain_text(REWORK_FINDINGS)
    await expect(inspections).to_contain_text(PRODUCTION[1])
    await expect(form_titled(production, zh("Quality inspection"))).to_have_count(0)

    # when: the rework is finished and the second inspection passes
    await report_milestone(staff, "In production", reached=True)
    await inspect(staff, "passed")

    # then: QC is done and packing can start
    await expect(milestone_row(production, "Quality inspection")).to_have_class(re.compile(r"milestone-done"))
    await expect(inspections).to_have_count(2)  # both are kept
    await expect(inspections.nth(1).locator(".badge-qc-pass")).to_have_text(zh("passed"))
    await expect(form_titled(production, zh("Quality inspection"))).to_have_count(0)

    # when: production packs the two pumps into a first package (the valves follow)
    pack = form_titled(production, zh("Pack a package"))
    await expect(pack_quantity(pack, "PMP-100")).to_have_value("2")
    await expect(pack_quantity(pack, "VLV-DN50")).to_have_value("10")
    await pack_quantity(pack, "VLV-DN50").fill("0")
    await pack.get_by_label(zh("Weight (kg)")).fill(PUMP_WEIGHT)
    await pack.get_by_label(zh("Dimensions (L × W × H, cm)")).fill("120 × 80 × 90")
    await pack.get_by_role("button", name=zh("Pack"), exact=True).click()

    # then: package 1 holds the pumps; the order is still in production
    await expect_saved(staff, "production", zh("Package %(position)s packed.", position=1))
    packages = production.locator("table.packages tbody tr")
    await expect(packages).to_have_count(1)
    await expect(packages.first).to_contain_text("PMP-100 × 2")
    await expect(packages.first).to_contain_text(PUMP_WEIGHT)
    await expect(order_status(staff)).to_have_text(zh("in production"))

    # --- logistics --------------------------------------------------------------------------
    # given: logistics staff, in their own browser
    logistics = await new_page()
    await staff_sign_in(logistics, *LOGISTICS)
    await logistics.goto(f"/staff/orders/{number}")
    production = logistics.locator("#production")
    pack = form_titled(production, zh("Pack a package"))
    await expect(pack_quantity(pack, "PMP-100")).to_have_value("0")  # nothing left of the pumps

    # when: they pack the valves and complete packing
    await expect(pack_quantity(pack, "VLV-DN50")).to_have_value("10")
    await pack.get_by_label(zh("Weight (kg)")).fill(VALVE_WEIGHT)
    await pack.get_by_label(zh("Packing complete: the order is ready to ship")).check()
    await pack.get_by_role("button", name=zh("Pack"), exact=True).click()

    # then: two packages, packing reached, ready to ship
    await expect_saved(logistics, "production", zh("Packing complete: the order is ready to ship."))
    await expect(order_status(logistics)).to_have_text(zh("ready to ship"))
    await expect(production.locator("table.packages tbody tr")).to_have_count(2)
    await expect(production.locator("tr.milestone-done")).to_have_count(5)
    await expect(form_titled(production, zh("Pack a package"))).to_have_count(0)

    # and: the delivery note (送货单) for the driver lists the goods and both packages, without prices
    async with logistics.expect_popup() as popup:
        await production.get_by_role("link", name=zh("Print the delivery note")).click()
    note = await popup.value
    await expect(note).to_have_url(re.compile(rf"/staff/orders/{number}/delivery-note$"))
    await expect(note.get_by_role("heading", level=1)).to_have_text(zh("Delivery note"))
    await expect(note.locator("dl.facts")).to_contain_text(number)
    goods = note.get_by_role("region", name=zh("Goods")).locator("tbody tr")
    await expect(goods).to_have_count(len(LINES))
    note_packages = note.locator("table.packages tbody tr")
    await expect(note_packages).to_have_count(2)
    await expect(note_packages.nth(0)).to_contain_text("PMP-100 × 2")
    await expect(note_packages.nth(1)).to_contain_text("VLV-DN50 × 10")
    await expect(note.locator("main")).not_to_contain_text("¥")
    await note.close()

    # when: they ship everything with the demo carrier
    shipping = logistics.locator("#shipping")
    ship = shipping.locator("form.ship-form")
    await ship.get_by_label(zh("Carrier")).select_option(CARRIER[0])
    await ship.get_by_label(zh("Tracking no.")).fill(TRACKING_NUMBER)
    for sku, quantity in LINES.items():
        row = ship.locator("tbody tr").filter(has_text=sku)
        await expect(row.get_by_role("spinbutton")).to_have_value(str(quantity))
    await ship.get_by_role("button", name=zh("Ship"), exact=True).click()

    # then: the order is shipped and the shipment is shown with its tracking number and contents
    await expect_saved(logistics, "shipping", zh("Saved."))
    await expect(order_status(logistics)).to_have_text(zh("shipped"))
    shipment = shipping.locator("article.shipment")
    await expect(shipment).to_have_count(1)
    await expect(shipment.get_by_role("heading")).to_contain_text(CARRIER[1])
    await expect(shipment.get_by_role("heading")).to_contain_text(TRACKING_NUMBER)
    await expect(shipment.locator(".badge")).to_have_text(zh("handed to the carrier"))
    for sku, quantity in LINES.items():
        await expect(shipment.locator(".tag").filter(has_text=f"{sku} × {quantity}")).to_have_count(1)
    await expect(shipping.locator("form.ship-form")).to_have_count(0)  # nothing left to ship

    # --- the buyer --------------------------------------------------------------------------
    # when: the worker delivers the "shipped" e-mail
    mail = await wait_for_mail(sink, zh("Order %(number)s has been shipped", number=number), worker_log)

    # then: it goes to the buyer, with carrier, tracking number and a tracking link to the live server
    assert [a.addr_spec for a in mail["To"].addresses] == [BUYER[0]]
    text = body_text(mail)
    assert f"{zh('Carrier')}：{CARRIER[1]}" in text
    assert f"{zh('Tracking no.')}：{TRACKING_NUMBER}" in text
    match = re.search(rf"{re.escape(zh('Track the shipment'))}：(\S+)", text)
    assert match is not None, text
    tracking_link = match.group(1)
    assert tracking_link.startswith(f"{live_server}/track/"), tracking_link

    # when: the buyer opens the link in a browser that has never signed in
    buyer = await new_page()
    response = await buyer.goto(tracking_link)

    # then: the public tracking page, private to whoever holds the link
    assert response is not None and response.status == 200
    headers = await response.all_headers()
    assert headers.get("referrer-policy") == "no-referrer", headers
    assert headers.get("cache-control") == "no-store", headers
    assert "noindex" in headers.get("x-robots-tag", ""), headers
    assert "set-cookie" not in headers, headers
    await expect(buyer.locator(".site-header .who")).to_have_count(0)  # nobody is signed in

    # and: it shows the order, its production progress and the shipment
    await expect(buyer.get_by_role("heading", level=1)).to_have_text(zh("Order %(number)s", number=number))
    await expect(order_status(buyer)).to_have_text(zh("shipped"))
    await expect(buyer.locator("dl.facts")).to_contain_text("上海市")  # the destination city only
    progress = buyer.get_by_role("region", name=zh("Production progress"))
    await expect(progress.locator("tbody tr")).to_have_count(5)
    await expect(progress.locator("tbody tr.milestone-done")).to_have_count(5)
    for label in MILESTONE_LABELS.values():
        await expect(milestone_row(progress, label)).to_have_count(1)
    shipments = buyer.get_by_role("region", name=zh("Shipments"))
    public_shipment = shipments.locator("article.shipment")
    await expect(public_shipment).to_have_count(1)
    await expect(public_shipment.get_by_role("heading")).to_contain_text(TRACKING_NUMBER)
    await expect(public_shipment.get_by_role("heading")).to_contain_text(CARRIER[1])
    await expect(public_shipment.locator(".badge")).to_have_text(zh("handed to the carrier"))
    for sku, quantity in LINES.items():
        await expect(public_shipment.locator(".tag").filter(has_text=f"{sku} × {quantity}")).to_have_count(1)
    public_timeline = buyer.get_by_role("region", name=zh("Timeline")).locator(".timeline-text")
    for entry in ("Production started", "Quality inspection passed", "Shipped"):
        await expect(public_timeline.filter(has_text=re.compile(rf"^{re.escape(zh(entry))}$"))).to_have_count(
            1
        )

    # and: nothing private: no prices, no e-mail address, no street or phone, no internal notes
    # or staff names
    page_text = await buyer.locator("body").inner_text()
    html = await buyer.content()
    for private in (
        "¥",
        BUYER[0],
        "张江路",
        "5555 0101",
        PLAN_NOTE,
        REWORK_FINDINGS,
        PRODUCTION[1],
        LOGISTICS[1],
    ):
        assert private not in page_text, private
        assert private not in html, private

    # when: a webhook with a wrong signature claims the delivery
    occurred_at = datetime.now(clock.BUSINESS_TZ).replace(microsecond=0)
    payload = {
        "event_id": f"evt-{number}-delivered",
        "tracking_number": TRACKING_NUMBER,
        "status": "delivered",
        "occurred_at": occurred_at.isoformat(),  # with the +08:00 offset
        "location": "上海市浦东新区",
        "note": "signed for at the gate",
    }
    body, signature = signed(payload, CARRIER[2])
    webhook = f"{live_server}/webhooks/carriers/{CARRIER[0]}"
    async with httpx.AsyncClient(trust_env=False, timeout=10) as carrier:
        forged = await carrier.post(webhook, content=body, headers=signed(payload, "not-the-secret")[1])
        assert forged.status_code == 401, forged.text

        # then: nothing changes
        await buyer.reload()
        await expect(order_status(buyer)).to_have_text(zh("shipped"))

        # when: the carrier sends it correctly signed
        delivered = await carrier.post(webhook, content=body, headers=signature)
        assert delivered.status_code == 200, delivered.text
        assert delivered.json() == {"status": "recorded"}

        # and: sends it again (carriers retry): nothing is recorded twice
        again = await carrier.post(webhook, content=body, headers=signature)
        assert again.status_code == 200, again.text
        assert again.json() == {"status": "duplicate"}

    # then: the tracking page shows the order and the shipment delivered
    response = await buyer.reload()
    assert response is not None and response.status == 200
    await expect(order_status(buyer)).to_have_text(zh("delivered"))
    await expect(public_shipment.locator(".badge")).to_have_text(zh("delivered"))
    await expect(public_shipment).to_contain_text(zh("Delivered %(when)s", when="").strip())
    events = public_shipment.locator("ol.timeline > li")
    await expect(events).to_have_count(1)
    await expect(events.locator(".timeline-text")).to_have_text(zh("delivered"))
    await expect(events).to_contain_text("上海市浦东新区")
    when = await events.locator("time").get_attribute("datetime")
    assert when is not None and datetime.fromisoformat(when) == occurred_at, when
    await expect(
        public_timeline.filter(has_text=re.compile(rf"^{re.escape(zh('Delivered'))}$"))
    ).to_have_count(1)

    assert csp_violations == []
