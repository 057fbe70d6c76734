"""The hot pages read the same, word for word, for a fixed dataset (golden files in page_text/).

One dataset, built through the service verbs at fixed instants, and every page that performance
work may rewrite, fetched by the person who reads it, in Chinese and in English. Each page is
reduced to its visible text (tests/page_text.py) and compared with page_text/<page>.<locale>.txt.
``UPDATE_PAGE_TEXT=1`` writes the files instead (see page_text/README.md for when).

The clock is frozen (no tick) at the conftest's "shanghai-0030" moment, 00:30 on 1 December in
Shanghai while UTC is still on 30 November, and the dataset's times fall on both sides of midnight
in Shanghai: a page that took a day in UTC instead of the business day reads differently.
"""

from __future__ import annotations

import difflib
import os
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import select

from portal import clock
from portal.auth.tracking_links import TrackingLinks
from portal.db.catalog import AccountPrice
from portal.db.customers import Address, CustomerAccount
from portal.db.fulfilment import Carrier
from portal.db.orders import Order, OrderLine
from portal.domain.fulfilment import production, shipping
from portal.domain.fulfilment.milestones import MILESTONES, PLANNED
from portal.domain.orders import cart, checkout, pricing, service
from tests.conftest import MIDNIGHT_SIDES
from tests.fulfilment_helpers import pack_rest, produce, sign_confirmation
from tests.helpers import (
    approve_as,
    customer_actor,
    make_account,
    make_customer,
    make_product,
    make_staff,
    sign_in,
    staff_actor,
)
from tests.page_text import scrub, visible_text

SNAPSHOTS = Path(__file__).parent / "page_text"
NOW = MIDNIGHT_SIDES["shanghai-0030"]  # 2026-12-01 00:30 in Shanghai, 2026-11-30 16:30 UTC
LOCALES = ("zh_CN", "en")
ACCEPT = {"zh_CN": "zh-CN,zh;q=0.9", "en": "en"}
NO_LIMIT = [Decimal("1e12")]  # one approval sends the confirmation
NO_UPLOADS = checkout.Limits(storage=Path("var"), max_files=0, max_bytes=0)


def at(month: int, day: int, hour: int, minute: int = 0) -> time_machine.travel:
    """The clock frozen at this UTC instant of 2026 (Shanghai is 8 hours ahead)."""
    return time_machine.travel(datetime(2026, month, day, hour, minute, tzinfo=UTC), tick=False)


async def _catalog(db) -> dict[str, object]:  # noqa: ANN001
    products = {}
    for sku, zh, en, price, stock, extra in (
        ("PMP-CP50", "离心泵 CP50", "Centrifugal pump CP50", "12800.00", 8, {"lead_time_days": 10}),
        ("PMP-MS25", "多级泵 MS25", "Multistage pump MS25", "23650.50", 0, {"made_to_order": True}),
        ("PMP-SP10", "潜水泵 SP10", "Submersible pump SP10", "4320.00", 40, {"is_active": False}),
        ("VLV-BF100", "蝶阀 DN100", "Butterfly valve DN100", "1890.00", 120, {}),
        ("BRG-6205", "深沟球轴承 6205", "Deep groove ball bearing 6205", "18.60", 5000, {"unit": "pcs"}),
        (
            "MTR-5K5",
            "三相电机 5.5kW",
            "Three-phase motor 5.5kW",
            "3150.00",
            25,
            {"spec_options": {"voltage": ["220V", "380V"], "poles": ["2", "4"]}},
        ),
    ):
        products[sku] = await make_product(
            db, sku=sku, name_zh=zh, name_en=en, list_price=Decimal(price), stock_on_hand=stock, **extra
        )
    return products


# (label, recipient, phone, province, city, district, street, postal code) of each account's address
ADDRESSES = {
    "苏州精工机械有限公司": ("工厂", "王伟", "13800138000", "江苏省", "苏州市", "工业园区", "星湖街 328 号", "215123"),
    "Ningbo Harbour Cranes Ltd.": ("Yard", "Zhou Lei", "13900139000", "浙江省", "宁波市", "北仑区", "Harbour Rd 8", "315800"),
}  # fmt: skip
ADDRESS_FIELDS = ("label", "recipient", "phone", "province", "city", "district", "street", "postal_code")


async def _people(db) -> dict[str, object]:  # noqa: ANN001
    acme, other = [await make_account(db, name=name) for name in ADDRESSES]
    for account in (acme, other):
        fields = dict(zip(ADDRESS_FIELDS, ADDRESSES[account.name], strict=True))
        db.add(Address(account_id=account.id, is_default=True, **fields))
    db.add(Carrier(code="sfexp", name="顺丰速运 SF Express", webhook_secret="s" * 32))
    return {
        "buyer": await make_customer(db, acme, name="李娜", email="li.na@example.test", milestones=True),
        "colleague": await make_customer(db, acme, name="Zhang Hui", email="zhang.hui@example.test"),
        "stranger": await make_customer(db, other, name="Zhou Lei", email="zhou.lei@example.test"),
        "reviewer": await make_staff(db, "reviewer", name="赵敏", email="zhao.min@example.test"),
        "approver": await make_staff(db, "approver", name="Sun Yue", email="sun.yue@example.test"),
        "clerk": await make_staff(
            db, "sales", "reviewer", "logistics", name="陈静", email="chen.jing@example.test"
        ),
    }


async def _place(db, settings, buyer, lines, *, wanted: date, note: str = "") -> Order:  # noqa: ANN001
    """The buyer fills the cart with ``lines`` (sku, quantity, specs) and checks out now."""
    actor, policy = customer_actor(buyer), pricing.policy_from(settings)
    for sku, quantity, specs in lines:
        await cart.add_line(db, actor, line=cart.LineInput(0, sku, quantity, dict(specs)), policy=policy)
    address_id = await db.scalar(select(Address.id).where(Address.account_id == buyer.account_id))
    number = await checkout.checkout(
        db,
        actor,
        checkout.CheckoutInput(
            requested_delivery_date=wanted,
            shipping_address_id=str(address_id),
            invoice_title=(await db.get(CustomerAccount, buyer.account_id)).name,
            tax_id="91320594MA1MXQ7R4A",
            special_requirements=note,
            idempotency_key=f"page-text-{buyer.id}-{wanted.isoformat()}-{len(lines)}",
        ),
        policy=policy,
        today=clock.today(),
        limits=NO_UPLOADS,
    )
    order = await service.load_order(db, actor, number=number)
    await db.commit()
    return order


async def build(db, settings) -> dict[str, object]:  # noqa: ANN001
    """The fixed dataset; returns the people, the shipped order ``main`` and its tracking path."""
    with at(11, 2, 1):
        products = await _catalog(db)
        who = await _people(db)
        agreed = {"account_id": who["buyer"].account_id, "product_id": products["PMP-MS25"].id}
        db.add(AccountPrice(**agreed, price=Decimal("21900.00")))
        await db.commit()
    buyer, reviewer, clerk = who["buyer"], who["reviewer"], who["clerk"]
    lines = (("PMP-CP50", 2, {}), ("MTR-5K5", 6, {"voltage": "380V", "poles": "4"}), ("BRG-6205", 200, {}))
    with at(11, 20, 16, 10):  # 00:10 on 21 Nov in Shanghai, still 20 Nov in UTC
        main = await _place(db, settings, buyer, lines, wanted=date(2026, 12, 20), note="请在周五前送达。")
    with at(11, 21, 1, 30):
        await approve_as(
            db, reviewer, main, note="信用额度已核对", thresholds=NO_LIMIT, promised_date=date(2026, 12, 18)
        )
        await db.commit()
    with at(11, 21, 2, 15):
        await sign_confirmation(db, buyer, main, user_agent="page-text")
        await db.commit()
    with at(11, 22, 1):
        plan = {m: date(2026, 11, 23) + timedelta(days=2 * i) for i, m in enumerate(MILESTONES)}
        await production.record_milestone(
            db, staff_actor(await make_staff(db, "production")), main,
            production.MilestoneReport(PLANNED, planned=plan, note="A 线"),
        )  # fmt: skip
        await db.commit()
    with at(11, 26, 15, 40):  # 23:40 on 26 Nov in Shanghai
        await produce(db, main)
        await pack_rest(db, main)
    with at(11, 27, 16, 5):  # 00:05 on 28 Nov in Shanghai
        main = await db.get(Order, main.id, populate_existing=True)
        stmt = select(OrderLine).where(OrderLine.order_id == main.id).order_by(OrderLine.position).limit(2)
        first_two = (await db.scalars(stmt)).all()
        shipment = await shipping.ship(
            db, staff_actor(clerk), main, carrier_code="sfexp", tracking_number="SF1400023456789",
            quantities={ln.id: ln.quantity for ln in first_two},
        )  # fmt: skip
        await db.commit()
    for (day, hour, minute), status, place in (
        ((28, 3, 0), "in_transit", "苏州转运中心 Suzhou hub"),
        ((29, 15, 55), "in_transit", "上海分拨中心 Shanghai hub"),
    ):
        with at(11, day, hour, minute):
            event = shipping.EventInput(
                status=status,
                occurred_at=datetime(2026, 11, day, hour, minute, tzinfo=UTC),
                location=place,
                event_id=f"sf-{day}-{hour}",
            )
            await shipping.record_event(db, shipment, event, source="webhook")
            await db.commit()
    in_review = await _others(db, settings, who)
    with time_machine.travel(NOW, tick=False):  # the link is signed when the page is read
        links = TrackingLinks(settings.secret_key, ttl_days=settings.tracking_link_days)
        track = links.path(main.id, main.tracking_link_version)
    return {**who, "main": main, "track": track, "products": products, **in_review}


async def _others(db, settings, who) -> dict[str, Order]:  # noqa: ANN001
    """The orders around ``main`` (in review, one long waiting and claimed; awaiting approval; asked
    to change; cancelled; another account's) and the buyer's cart; returns the two in review
    (``waiting`` and ``big``), whose staff pages show the review checks."""
    buyer, colleague, reviewer = who["buyer"], who["colleague"], who["reviewer"]
    with at(11, 28, 1, 20):  # waiting for review about 63 hours at NOW: past the SLA
        waiting = await _place(db, settings, buyer, (("VLV-BF100", 12, {}),), wanted=date(2026, 12, 28))
    with at(11, 28, 2, 0):
        await service.claim(db, staff_actor(who["clerk"]), waiting)
        await db.commit()
    with at(11, 28, 23, 0):
        big = await _place(db, settings, colleague, (("PMP-CP50", 3, {}),), wanted=date(2026, 12, 24))
    with at(11, 29, 1, 0):
        await approve_as(db, reviewer, big, note="价格已确认", thresholds=[Decimal("20000")])
        await db.commit()
    with at(11, 29, 9, 0):
        asked = await _place(db, settings, colleague, (("PMP-MS25", 1, {}),), wanted=date(2027, 1, 20))
    with at(11, 29, 10, 30):
        message = "Please confirm the impeller material."
        await service.request_changes(
            db, staff_actor(reviewer), asked, expected_version=None, message=message
        )
        await db.commit()
    with at(11, 29, 12, 0):
        dropped = await _place(db, settings, buyer, (("BRG-6205", 50, {}),), wanted=date(2026, 12, 10))
    with at(11, 29, 12, 45):
        await service.cancel(db, customer_actor(buyer), dropped, expected_version=None, reason="项目推迟。")
        await db.commit()
    with at(11, 30, 15, 45):  # 23:45 on 30 Nov in Shanghai: 45 minutes before NOW
        crane = (("PMP-CP50", 1, {}), ("VLV-BF100", 4, {}))
        await _place(db, settings, who["stranger"], crane, wanted=date(2026, 12, 30))
    with at(11, 30, 16, 20):  # 00:20 on 1 Dec in Shanghai, the day NOW is in
        motor = (("MTR-5K5", 3, {"voltage": "220V", "poles": "2"}),)
        await _place(db, settings, buyer, motor, wanted=date(2026, 12, 31))
    with at(11, 30, 16, 25):
        actor, policy = customer_actor(buyer), pricing.policy_from(settings)
        for sku, qty, specs in (
            ("PMP-CP50", 1, {}),
            ("MTR-5K5", 2, {"voltage": "380V", "poles": "2"}),
            ("BRG-6205", 40, {}),
        ):
            await cart.add_line(db, actor, line=cart.LineInput(0, sku, qty, specs), policy=policy)
        await db.commit()
    return {"waiting": waiting, "big": big}


def pages(data: dict[str, object]) -> list[tuple[str, str, str]]:
    """(snapshot name, who reads it: "customer" or "staff", path) for every page compared."""
    number = data["main"].number
    return [
        ("track", "public", data["track"]),
        ("orders", "customer", "/orders"),
        ("order_detail", "customer", f"/orders/{number}"),
        ("catalog_search", "customer", "/catalog?q=pump"),
        ("cart", "customer", "/cart"),
        ("staff_review", "staff", "/staff/review"),
        ("staff_orders", "staff", "/staff/orders"),
        ("staff_order_detail", "staff", f"/staff/orders/{number}"),
        # in review: the checks, the revise form and the address book; awaiting a second approval
        ("staff_order_in_review", "staff", f"/staff/orders/{data['waiting'].number}"),
        ("staff_order_awaiting_approval", "staff", f"/staff/orders/{data['big'].number}"),
    ]


async def test_hot_pages_read_as_their_snapshots(client, db, settings, monkeypatch):
    monkeypatch.setattr(
        "tests.helpers._seq", count(1)
    )  # the helpers' numbered names (Staff 7...) start afresh
    data = await build(db, settings)
    update = os.environ.get("UPDATE_PAGE_TEXT") == "1"
    failures, signed_in = [], False
    with time_machine.travel(NOW, tick=False):
        for name, reader, path in pages(data):  # the public page first, before anyone signs in
            if reader != "public" and not signed_in:
                await sign_in(client, data["buyer"].email)
                await sign_in(client, data["clerk"].email, staff=True)
                signed_in = True
            for locale in LOCALES:
                r = await client.get(path, headers={"accept-language": ACCEPT[locale]})
                assert r.status_code == 200, (path, locale, r.status_code)
                got = scrub(visible_text(r.text))
                snapshot = SNAPSHOTS / f"{name}.{locale}.txt"
                if update:
                    snapshot.write_text(got, encoding="utf-8")
                    continue
                want = snapshot.read_text(encoding="utf-8") if snapshot.exists() else ""
                if got != want:
                    diff = difflib.unified_diff(
                        want.splitlines(),
                        got.splitlines(),
                        f"{snapshot.name} (stored)",
                        f"GET {scrub(path)} now ({locale})",
                        lineterm="",
                    )
                    failures.append("\n".join(diff))
    if failures:
        pytest.fail(
            "pages no longer read as their snapshots (UPDATE_PAGE_TEXT=1 rewrites them, "
            "see tests/integration/page_text/README.md):\n\n" + "\n\n".join(failures),
            pytrace=False,
        )
